package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.assertDeliveredExactly;
import static io.github.ascanalyticssync.sync.SyncHarness.callsByEndpoint;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.simulator.SimulatorTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Pages of two at every level, reports chosen by names written with other case and punctuation, two granularities,
 * one app: exactly the matching segments arrive.
 */
@QuarkusTest
@TestProfile(SelectionAndPagingTest.SmallPages.class)
class SelectionAndPagingTest {

    public static class SmallPages extends SimulatorTestResource.OwnSimulator {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.sync.page-limit", "2",
                    "asc.sync.report-names", "app downloads STANDARD,App-Crashes,  app store purchases detailed ",
                    "asc.sync.granularities", "DAILY,MONTHLY");
        }

        @Override
        protected Map<String, String> simulatorSettings() {
            return Map.of("asc.simulator.data.seed-ongoing-age-days", "8",
                    "asc.simulator.data.max-segments-per-instance", "5");
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    @Test
    void smallPagesAndNameMatchingDeliverExactlyTheSelection() {
        List<Map<String, Object>> expected = new ArrayList<>();
        for (String report : List.of("App Downloads Standard", "App Crashes", "App Store Purchases Detailed")) {
            for (String granularity : List.of("DAILY", "MONTHLY")) {
                expected.addAll(catalogue(Map.of("report", report, "granularity", granularity)).getList("segments"));
            }
        }
        assertTrue(expected.stream().map(s -> s.get("instanceId")).distinct().count() > 4, "several instances to page through");
        simulator().delete("/simulator/calls").then().statusCode(200);
        SyncRun.Summary summary = sync();
        assertTrue(summary.complete(), summary.problems().toString());
        assertDeliveredExactly(expected);
        Map<String, Object> calls = callsByEndpoint();
        // 116 reports in pages of 2, for each of the 2 apps
        assertEquals(2 * 58, ((Number) calls.get("analyticsReportRequests_reports_getToManyRelated")).intValue());
        assertTrue(((Number) calls.get("analyticsReports_instances_getToManyRelated")).intValue() > 2 * 3,
                "instances were read in more than one page per report");
        assertTrue(((Number) calls.get("analyticsReportInstances_segments_getToManyRelated")).intValue()
                > expected.stream().map(s -> s.get("instanceId")).distinct().count(), "segments were read in pages too");
    }
}
