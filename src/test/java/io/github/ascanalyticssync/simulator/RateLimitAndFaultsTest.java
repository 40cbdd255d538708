package io.github.ascanalyticssync.simulator;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Items 7 and 8: the per-key hourly quota and the API faults. */
@QuarkusTest
class RateLimitAndFaultsTest {

    private static final String REPORTS = "analyticsReportRequests_reports_getToManyRelated";
    private String request;

    @BeforeEach
    void setUp() {
        Sim.reset();
        request = Sim.ongoingRequest(Sim.app(0));
    }

    @AfterEach
    void tearDown() {
        Sim.reset();
    }

    private Response reports(String kid) {
        return Sim.as(kid).get("/v1/analyticsReportRequests/{id}/reports", request);
    }

    @Test
    void everyResponseTellsTheRemainingQuota() {
        // the set-up used one call of the admin key
        reports(Tokens.ADMIN).then().statusCode(200).header("X-Rate-Limit", equalTo("user-hour-lim:3600;user-hour-rem:3598;"));
        reports(Tokens.ADMIN).then().header("X-Rate-Limit", equalTo("user-hour-lim:3600;user-hour-rem:3597;"));
        reports(Tokens.SALES).then().header("X-Rate-Limit", equalTo("user-hour-lim:3600;user-hour-rem:3599;"));
    }

    @Test
    void overTheQuotaIs429PerKey() {
        Sim.admin().body(Map.of("perHour", 3)).put("/simulator/rate-limit").then().statusCode(200);
        reports(Tokens.ADMIN).then().statusCode(200).header("X-Rate-Limit", equalTo("user-hour-lim:3;user-hour-rem:2;"));
        reports(Tokens.ADMIN).then().statusCode(200);
        reports(Tokens.ADMIN).then().statusCode(200).header("X-Rate-Limit", equalTo("user-hour-lim:3;user-hour-rem:0;"));
        Response limited = reports(Tokens.ADMIN);
        limited.then().statusCode(429).body("errors[0].code", equalTo("RATE_LIMIT_EXCEEDED"))
                .body("errors[0].title", equalTo("The request rate limit has been reached."))
                .header("X-Rate-Limit", equalTo("user-hour-lim:3;user-hour-rem:0;"));
        OpenApiContract.assertValid(REPORTS, 429, limited.asString());
        reports(Tokens.SALES).then().statusCode(200);
        JsonPath window = Sim.admin().get("/simulator/rate-limit").then().statusCode(200).extract().jsonPath();
        assertEquals(3, window.getInt("keys." + Tokens.ADMIN + ".inWindow"));
        assertEquals(3, window.getInt("keys." + Tokens.ADMIN + ".maxInWindow"), "refused calls do not count");
        assertEquals(1, window.getInt("keys." + Tokens.SALES + ".inWindow"));
    }

    @Test
    void serverErrorsFireOnScheduleAndStopAtTheirLimit() {
        Sim.faults(Map.of("serverError", Map.of("every", 1, "limit", 2)));
        Response first = reports(Tokens.ADMIN);
        first.then().statusCode(500).body("errors[0].status", equalTo("500"));
        reports(Tokens.ADMIN).then().statusCode(500);
        reports(Tokens.ADMIN).then().statusCode(200);
        Sim.faults(Map.of("unavailable", Map.of("every", 2)));
        reports(Tokens.ADMIN).then().statusCode(200);
        reports(Tokens.ADMIN).then().statusCode(503);
        reports(Tokens.ADMIN).then().statusCode(200);
    }

    @Test
    void rateLimitBurstsComeWhileQuotaRemains() {
        Sim.faults(Map.of("rateLimitBurst", Map.of("every", 1, "limit", 1)));
        Response burst = reports(Tokens.ADMIN);
        burst.then().statusCode(429).body("errors[0].code", equalTo("RATE_LIMIT_EXCEEDED"));
        assertTrue(burst.header("X-Rate-Limit").matches("user-hour-lim:3600;user-hour-rem:35\\d\\d;"), burst.header("X-Rate-Limit"));
        reports(Tokens.ADMIN).then().statusCode(200);
    }

    @Test
    void probabilisticFaultsHitSomeCallsNotAll() {
        Sim.faults(Map.of("serverError", Map.of("probability", 0.5)));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            statuses.add(reports(Tokens.ADMIN).statusCode());
        }
        long failed = statuses.stream().filter(s -> s == 500).count();
        assertTrue(failed > 4 && failed < 36, "about half of 40 calls fail: " + failed);
        assertEquals(40, failed + statuses.stream().filter(s -> s == 200).count());
    }

    @Test
    void malformedJsonIsNotParseable() {
        Sim.faults(Map.of("malformedJson", Map.of("every", 1, "limit", 1)));
        String body = reports(Tokens.ADMIN).then().statusCode(200).extract().asString();
        assertThrows(Exception.class, () -> new ObjectMapper().readTree(body));
        new ObjectMapper().valueToTree(reports(Tokens.ADMIN).then().statusCode(200).extract().jsonPath().getMap("meta"));
    }

    @Test
    void latencyDelaysEveryCall() {
        Sim.faults(Map.of("latencyFixedMs", 400, "latencyJitterMs", 100));
        long start = System.nanoTime();
        reports(Tokens.ADMIN).then().statusCode(200);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 400, "a call takes at least the fixed latency: " + ms + " ms");
    }

    @Test
    void faultsCanBeReadBackAndReset() {
        Sim.faults(Map.of("serverError", Map.of("every", 3)));
        Sim.admin().get("/simulator/faults").then().statusCode(200).body("serverError.every", equalTo(3));
        Sim.admin().delete("/simulator/faults").then().statusCode(200).body("serverError.every", equalTo(0));
    }
}
