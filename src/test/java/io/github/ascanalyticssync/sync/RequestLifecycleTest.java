package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.callsByEndpoint;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.inject.spi.CDI;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.walk.RequestLifecycle;

/**
 * Each app's ONGOING request is reused when active, created when missing, replaced when stopped for inactivity, and
 * settled on one when two syncs race to create it.
 */
@QuarkusTest
@TestProfile(SyncTest.TwoCategories.class)
class RequestLifecycleTest {

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
        simulator().delete("/simulator/calls").then().statusCode(200);
    }

    static List<Map<String, Object>> liveOngoing(String appId) {
        List<Map<String, Object>> all = simulator().get("/simulator/requests").then().statusCode(200).extract().jsonPath().getList("");
        return all.stream().filter(r -> r.get("appId").equals(appId) && r.get("accessType").equals("ONGOING") && !(Boolean) r.get("deleted")).toList();
    }

    static String app(int i) {
        return simulator().get("/simulator").then().extract().jsonPath().getString("apps[" + i + "].id");
    }

    /** Deletes the app's seeded request with the demo Admin key, as a person would in App Store Connect. */
    static void deleteRequestsOf(String appId) {
        String token = simulator().post("/simulator/token").then().statusCode(200).extract().asString();
        for (Map<String, Object> r : liveOngoing(appId)) {
            simulator().header("Authorization", "Bearer " + token).delete("/v1/analyticsReportRequests/{id}", r.get("id")).then().statusCode(204);
        }
        simulator().delete("/simulator/calls").then().statusCode(200);
    }

    @Test
    void anActiveRequestIsReused() {
        String before = (String) liveOngoing(app(0)).get(0).get("id");
        SyncRun.Summary summary = sync();
        assertTrue(summary.complete(), summary.problems().toString());
        assertNull(callsByEndpoint().get("analyticsReportRequests_createInstance"));
        assertNull(callsByEndpoint().get("analyticsReportRequests_deleteInstance"));
        assertEquals(before, liveOngoing(app(0)).get(0).get("id"));
    }

    @Test
    void aMissingRequestIsCreated() {
        deleteRequestsOf(app(0));
        SyncRun.Summary summary = sync();
        assertTrue(summary.complete(), "an app whose new request has no instances yet is not a failure: " + summary.problems());
        assertEquals(1, ((Number) callsByEndpoint().get("analyticsReportRequests_createInstance")).intValue());
        List<Map<String, Object>> now = liveOngoing(app(0));
        assertEquals(1, now.size());
        assertEquals(false, now.get(0).get("stoppedDueToInactivity"));
        // the other app was synced as usual
        assertTrue(summary.newSegments() > 0);
    }

    @Test
    void aRequestStoppedForInactivityIsReplaced() {
        String before = (String) liveOngoing(app(0)).get(0).get("id");
        simulator().queryParam("days", 31).post("/simulator/clock/advance").then().statusCode(200);
        JsonPath requests = simulator().get("/simulator/requests").then().extract().jsonPath();
        assertEquals(true, requests.get("find { it.id == '" + before + "' }.stoppedDueToInactivity"));
        SyncRun.Summary summary = sync();
        assertTrue(summary.problems().isEmpty(), summary.problems().toString());
        assertEquals(2, ((Number) callsByEndpoint().get("analyticsReportRequests_deleteInstance")).intValue(), "both apps' stopped requests");
        assertEquals(2, ((Number) callsByEndpoint().get("analyticsReportRequests_createInstance")).intValue());
        List<Map<String, Object>> now = liveOngoing(app(0));
        assertEquals(1, now.size());
        assertFalse(now.get(0).get("id").equals(before), "a new request replaced the stopped one");
    }

    @Test
    void twoSyncsRacingToCreateTheRequestSettleOnOne() throws Exception {
        String appId = app(0);
        deleteRequestsOf(appId);
        // slow calls: both syncs list (nothing), then both create; App Store Connect accepts one and answers 409 to the other
        simulator().body(Map.of("latencyFixedMs", 300)).put("/simulator/faults").then().statusCode(200);
        RequestLifecycle lifecycle = CDI.current().select(RequestLifecycle.class).get();
        org.apache.camel.CamelContext camel = CDI.current().select(org.apache.camel.CamelContext.class).get();
        // both found no request (the listing step before it) and decide at the same time
        java.util.concurrent.Callable<List<RequestLifecycle.Walked>> walk = () -> lifecycle.walk(new org.apache.camel.support.DefaultExchange(camel), appId);
        ExecutorService syncs = Executors.newFixedThreadPool(2);
        try {
            Future<List<RequestLifecycle.Walked>> a = syncs.submit(walk);
            Future<List<RequestLifecycle.Walked>> b = syncs.submit(walk);
            List<RequestLifecycle.Walked> first = a.get(30, TimeUnit.SECONDS);
            assertEquals(1, first.size());
            assertEquals(first, b.get(30, TimeUnit.SECONDS), "both use the same request");
        } finally {
            syncs.shutdownNow();
        }
        List<Map<String, Object>> now = liveOngoing(appId);
        assertEquals(1, now.size());
        List<Map<String, Object>> creates = simulator().get("/simulator/calls").then().extract().jsonPath()
                .getList("calls.findAll { it.endpoint == 'analyticsReportRequests_createInstance' }");
        assertEquals(Map.of(201, 1L, 409, 1L), creates.stream().collect(java.util.stream.Collectors.toMap(c -> ((Number) c.get("status")).intValue(),
                c -> ((Number) c.get("count")).longValue())), "one create won, the other met 409 and listed again");
    }
}
