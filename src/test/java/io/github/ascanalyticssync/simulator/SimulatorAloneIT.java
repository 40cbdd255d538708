package io.github.ascanalyticssync.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The packaged application run the way the README's "simulator alone" command runs it (prod profile,
 * asc.simulator.enabled=true, asc.sync.enabled=false): any HTTP client can use the simulator's base URL.
 */
@QuarkusIntegrationTest
@TestProfile(SimulatorAloneIT.Alone.class)
class SimulatorAloneIT {

    static final String API = "http://127.0.0.1:18091";

    public static class Alone implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.simulator.enabled", "true", "asc.sync.enabled", "false",
                    "asc.simulator.api-port", "18091", "asc.simulator.storage-port", "18092");
        }
    }

    @Test
    void theSimulatorServesOnItsOwnWithTheDemoKey() {
        given().baseUri(API).get("/simulator").then().statusCode(200).body("keys.DEMOKEY001", equalTo("ADMIN"))
                .body("apps", hasSize(2));
        String token = given().baseUri(API).post("/simulator/token").then().statusCode(200).extract().asString();
        String app = given().baseUri(API).get("/simulator").jsonPath().getString("apps[0].id");
        given().baseUri(API).header("Authorization", "Bearer " + token).get("/v1/apps/{id}/analyticsReportRequests", app).then()
                .statusCode(200).body("data[0].attributes.accessType", equalTo("ONGOING"));
        given().baseUri(API).get("/v1/apps").then().statusCode(401);
    }
}
