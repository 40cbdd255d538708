package io.github.ascanalyticssync.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Item 1 of the simulator: only well-formed ES256 tokens of configured keys pass; roles decide what they may do. */
@QuarkusTest
class AuthenticationTest {

    static final String APPS_REQUESTS = "apps_analyticsReportRequests_getToManyRelated";

    @BeforeEach
    void reset() {
        Sim.reset();
    }

    private Response listRequests(String bearer) {
        return given().baseUri(Sim.api()).header("Authorization", bearer).get("/v1/apps/{id}/analyticsReportRequests", Sim.app(0));
    }

    private void assertNotAuthorized(Response response) {
        response.then().statusCode(401)
                .body("errors[0].status", equalTo("401"))
                .body("errors[0].code", equalTo("NOT_AUTHORIZED"))
                .body("errors[0].title", equalTo("Authentication credentials are missing or invalid."))
                .body("errors[0].detail", startsWith("Provide a properly configured and signed bearer token"));
        OpenApiContract.assertValid(APPS_REQUESTS, 401, response.asString());
    }

    private String tokenWith(Consumer<Map<String, Object>> header, Consumer<Map<String, Object>> claims) {
        Map<String, Object> h = Tokens.header(Tokens.ADMIN);
        Map<String, Object> c = Tokens.claims(Tokens.ADMIN);
        header.accept(h);
        claims.accept(c);
        return "Bearer " + Tokens.raw(Tokens.ADMIN, h, c);
    }

    @Test
    void aWellFormedTeamTokenIsAccepted() {
        Response ok = listRequests("Bearer " + Tokens.valid(Tokens.ADMIN));
        ok.then().statusCode(200);
        OpenApiContract.assertValid(APPS_REQUESTS, 200, ok.asString());
    }

    @Test
    void anIndividualKeyUsesSubUserAndNoIssuer() {
        listRequests("Bearer " + Tokens.valid(Tokens.INDIVIDUAL)).then().statusCode(200);
        Map<String, Object> withIssuer = Tokens.claims(Tokens.INDIVIDUAL);
        withIssuer.put("sub", "user");
        assertNotAuthorized(listRequests("Bearer " + Tokens.raw(Tokens.INDIVIDUAL, Tokens.header(Tokens.INDIVIDUAL), withIssuer)));
        Map<String, Object> noSub = Tokens.claims(Tokens.INDIVIDUAL);
        noSub.remove("iss");
        assertNotAuthorized(listRequests("Bearer " + Tokens.raw(Tokens.INDIVIDUAL, Tokens.header(Tokens.INDIVIDUAL), noSub)));
    }

    @Test
    void missingOrMalformedCredentialsAreRefused() {
        assertNotAuthorized(given().baseUri(Sim.api()).get("/v1/apps/{id}/analyticsReportRequests", Sim.app(0)));
        assertNotAuthorized(listRequests("Basic dXNlcjpwYXNz"));
        assertNotAuthorized(listRequests("Bearer not-a-jwt"));
        assertNotAuthorized(listRequests(Tokens.valid(Tokens.ADMIN))); // no "Bearer " prefix
    }

    @Test
    void theHeaderMustBeEs256JwtWithAKnownKeyId() {
        assertNotAuthorized(listRequests(tokenWith(h -> h.put("alg", "ES384"), c -> {
        })));
        assertNotAuthorized(listRequests(tokenWith(h -> h.remove("typ"), c -> {
        })));
        assertNotAuthorized(listRequests(tokenWith(h -> h.put("typ", "JOSE"), c -> {
        })));
        assertNotAuthorized(listRequests(tokenWith(h -> h.remove("kid"), c -> {
        })));
        assertNotAuthorized(listRequests(tokenWith(h -> h.put("kid", "UNKNOWN001"), c -> {
        })));
        // A real P-256 key that the team never registered.
        Map<String, Object> rogueHeader = Tokens.header(Tokens.ROGUE);
        assertNotAuthorized(listRequests("Bearer " + Tokens.raw(Tokens.ROGUE, rogueHeader, Tokens.claims(Tokens.ROGUE))));
    }

    @Test
    void theSignatureMustBeJoseRsAndMatch() {
        assertNotAuthorized(listRequests("Bearer " + Tokens.derSigned(Tokens.ADMIN)));
        String token = Tokens.valid(Tokens.ADMIN);
        String[] parts = token.split("\\.");
        String otherClaims = Tokens.b64(("{\"iss\":\"" + Tokens.ISSUER + "\",\"iat\":" + Instant.now().getEpochSecond() + ",\"exp\":"
                + (Instant.now().getEpochSecond() + 600) + ",\"aud\":\"appstoreconnect-v1\",\"x\":1}").getBytes());
        assertNotAuthorized(listRequests("Bearer " + parts[0] + "." + otherClaims + "." + parts[2]));
        // signed by another key under the demo key's id
        assertNotAuthorized(listRequests("Bearer " + Tokens.raw(Tokens.ROGUE, Tokens.header(Tokens.ADMIN), Tokens.claims(Tokens.ADMIN))));
    }

    @Test
    void theClaimsMustMatchApplesRules() {
        long now = Instant.now().getEpochSecond();
        assertNotAuthorized(listRequests(tokenWith(h -> {
        }, c -> c.put("aud", "appstoreconnect-v2"))));
        assertNotAuthorized(listRequests(tokenWith(h -> {
        }, c -> c.remove("aud"))));
        assertNotAuthorized(listRequests(tokenWith(h -> {
        }, c -> c.put("iss", "00000000-0000-0000-0000-000000000000"))));
        assertNotAuthorized(listRequests(tokenWith(h -> {
        }, c -> c.remove("iss"))));
        assertNotAuthorized(listRequests(tokenWith(h -> {
        }, c -> {
            c.put("iat", now + 0.5);
            c.put("exp", now + 600);
        })));
        assertNotAuthorized(listRequests(tokenWith(h -> {
        }, c -> {
            c.put("iat", now);
            c.put("exp", (double) (now + 600));
        })));
        assertNotAuthorized(listRequests(tokenWith(h -> {
        }, c -> {
            c.put("iat", now);
            c.put("exp", now + 1201);
        })));
        assertNotAuthorized(listRequests(tokenWith(h -> {
        }, c -> {
            c.put("iat", now - 1500);
            c.put("exp", now - 300);
        })));
        assertNotAuthorized(listRequests(tokenWith(h -> {
        }, c -> {
            c.put("iat", now + 600);
            c.put("exp", now + 1200);
        })));
        // exactly 20 minutes, issued a few seconds ago within the allowed skew, is fine
        listRequests(tokenWith(h -> {
        }, c -> {
            c.put("iat", now - 5);
            c.put("exp", now + 1195);
        })).then().statusCode(200);
    }

    @Test
    void aScopedTokenOnlyOpensWhatItNames() {
        String app = Sim.app(0);
        String scoped = tokenWith(h -> {
        }, c -> c.put("scope", java.util.List.of("GET /v1/apps/" + app + "/analyticsReportRequests")));
        listRequests(scoped).then().statusCode(200);
        given().baseUri(Sim.api()).header("Authorization", scoped).get("/v1/apps").then().statusCode(401);
    }

    @Test
    void readRolesMayListButNotCreateOrDelete() {
        String app = Sim.app(0);
        String request = Sim.ongoingRequest(app);
        Map<String, Object> body = Map.of("data", Map.of("type", "analyticsReportRequests", "attributes", Map.of("accessType", "ONE_TIME_SNAPSHOT"),
                "relationships", Map.of("app", Map.of("data", Map.of("type", "apps", "id", app)))));
        for (String kid : new String[] { Tokens.SALES, Tokens.FINANCE }) {
            Sim.as(kid).get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(200);
            Response post = Sim.as(kid).contentType("application/json").body(body).post("/v1/analyticsReportRequests");
            post.then().statusCode(403).body("errors[0].code", equalTo("FORBIDDEN_ERROR"))
                    .body("errors[0].detail", equalTo("The API key in use does not allow this request"));
            OpenApiContract.assertValid("analyticsReportRequests_createInstance", 403, post.asString());
            Response delete = Sim.as(kid).delete("/v1/analyticsReportRequests/{id}", request);
            delete.then().statusCode(403).body("errors[0].code", equalTo("FORBIDDEN_ERROR"));
            OpenApiContract.assertValid("analyticsReportRequests_deleteInstance", 403, delete.asString());
        }
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}", request).then().statusCode(200);
    }

    @Test
    void aDeveloperKeyIsRefusedAnalyticsButMayListApps() {
        Response refused = Sim.as(Tokens.DEVELOPER).get("/v1/apps/{id}/analyticsReportRequests", Sim.app(0));
        refused.then().statusCode(403).body("errors[0].code", equalTo("FORBIDDEN_ERROR"));
        OpenApiContract.assertValid(APPS_REQUESTS, 403, refused.asString());
        Sim.as(Tokens.DEVELOPER).get("/v1/analyticsReportRequests/{id}", Sim.ongoingRequest(Sim.app(0))).then().statusCode(403);
        Sim.as(Tokens.DEVELOPER).get("/v1/apps").then().statusCode(200);
    }

    @Test
    void theDemoKeyMintsTokensForCurl() {
        String token = Sim.admin().post("/simulator/token").then().statusCode(200).extract().asString();
        listRequests("Bearer " + token).then().statusCode(200);
        Sim.admin().queryParam("keyId", Tokens.SALES).post("/simulator/token").then().statusCode(404);
    }
}
