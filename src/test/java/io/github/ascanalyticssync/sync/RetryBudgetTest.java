package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.assertDeliveredExactly;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import io.github.ascanalyticssync.run.SyncRun;

/**
 * Every stage gets its full retry budget, whatever was retried before it in the same walk: Camel keeps its redelivery
 * counter in message headers, which survive a retry that succeeded and are copied into split exchanges. And the app
 * discovery ({@code GET /v1/apps}, no {@code asc.sync.app-ids}) is retried like every other listing.
 */
@QuarkusTest
@TestProfile(RetryBudgetTest.OneReport.class)
class RetryBudgetTest {

    /** One small report of every app the key can see (no asc.sync.app-ids: the apps are discovered). */
    public static class OneReport implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.sync.categories", "COMMERCE", "asc.sync.report-names", "App Store Purchases Standard",
                    "asc.sync.parallel-reports", "1");
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    private static void faults(Map<String, Object> settings) {
        simulator().body(settings).put("/simulator/faults").then().statusCode(200);
    }

    private static List<Map<String, Object>> downloadsPerSegment() {
        return simulator().get("/simulator/downloads").then().statusCode(200).extract().jsonPath().getList("downloads");
    }

    @Test
    void aSegmentGetsAllItsTriesAfterApiCallsWereRetriedEarlierInTheWalk() {
        int tries = ConfigProvider.getConfig().getValue("asc.sync.download.retries", Integer.class) + 1;
        List<Map<String, Object>> expected = SyncHarness.expected("COMMERCE").stream()
                .filter(s -> "App Store Purchases Standard".equals(s.get("reportName"))).toList();
        assertFalse(expected.isEmpty(), "the simulator offers the report");
        // the first two API calls (the app discovery) fail with 500, then every download is truncated
        faults(Map.of("serverError", Map.of("every", 1, "limit", 2), "truncate", Map.of("every", 1)));

        SyncRun.Summary summary = sync();

        assertFalse(summary.complete());
        assertEquals(expected.size(), summary.failedSegments(), summary.problems().toString());
        List<Map<String, Object>> downloads = downloadsPerSegment();
        assertEquals(expected.size(), downloads.size(), "every segment was tried");
        for (Map<String, Object> d : downloads) {
            assertEquals(tries, ((Number) d.get("started")).intValue(), "tries of segment " + d.get("segmentId")
                    + " (asc.sync.download.retries + 1), not fewer because the app listing was retried");
        }
    }

    /** The call's count of tries survives its failures (direct:asc-api clears every other header): it ends. */
    @Test
    @Timeout(120)
    void aListingThatKeepsFailingStopsAfterItsTries() {
        int tries = ConfigProvider.getConfig().getValue("asc.sync.api-retries", Integer.class) + 1;
        faults(Map.of("serverError", Map.of("every", 1)));
        SyncRun.Summary summary = sync();
        assertFalse(summary.complete());
        assertEquals(tries, ((Number) SyncHarness.callsByEndpoint().get("apps_getCollection")).intValue(), "GET /v1/apps tries");
        assertTrue(summary.problems().toString().contains("GET /v1/apps answered 500"), summary.problems().toString());
    }

    @Test
    void aFailedAppDiscoveryIsRetried() {
        List<Map<String, Object>> expected = SyncHarness.expected("COMMERCE").stream()
                .filter(s -> "App Store Purchases Standard".equals(s.get("reportName"))).toList();
        for (String fault : List.of("serverError", "malformedJson", "rateLimitBurst", "unavailable")) {
            SyncHarness.freshStart();
            // the first API call of the sync is GET /v1/apps
            faults(Map.of(fault, Map.of("every", 1, "limit", 1)));
            SyncRun.Summary summary = sync();
            assertTrue(summary.complete(), fault + ": " + summary.problems());
            assertDeliveredExactly(expected);
            Map<String, Object> injected = simulator().get("/simulator/faults").then().extract().jsonPath().getMap(fault);
            assertEquals(1, ((Number) injected.get("injected")).intValue(), fault + " was injected once");
            assertTrue(((Number) SyncHarness.callsByEndpoint().get("apps_getCollection")).intValue() >= 2, fault + ": GET /v1/apps was tried again");
        }
    }
}
