package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.callsByEndpoint;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.downloads;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.simulator.SimulatorTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Syncs over simulated days: each costs exactly the calls it must, the watermarks follow the deliveries, and dates
 * Apple skipped or deleted before they were read are reported. Reports are walked four at a time (the default).
 */
@QuarkusTest
@TestProfile(IncrementalSyncTest.OverDays.class)
class IncrementalSyncTest {

    static final String INSTANCES = "analyticsReports_instances_getToManyRelated";
    static final String SEGMENTS = "analyticsReportInstances_segments_getToManyRelated";
    /** App Usage has 11 reports; the dataset has two apps. */
    static final int REPORTS = 2 * 11;

    /** App Usage only; requests never stop for inactivity here, so a long pause only meets the 35-day retention. */
    public static class OverDays extends SimulatorTestResource.OwnSimulator {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.sync.categories", "APP_USAGE");
        }

        @Override
        protected Map<String, String> simulatorSettings() {
            return Map.of("asc.simulator.lifecycle.inactivity-days", "400",
                    "asc.simulator.data.skipped-dates", "2026-03-08");
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    private static void advanceDays(int days) {
        simulator().queryParam("days", days).post("/simulator/clock/advance").then().statusCode(200);
        simulator().delete("/simulator/calls").then().statusCode(200);
    }

    private static int instances(Map<String, String> filter) {
        Map<String, String> f = new HashMap<>(filter);
        f.put("category", "APP_USAGE");
        return catalogue(f).getInt("instances");
    }

    private static Map<String, Object> listingCalls() {
        return Map.of("apps_getCollection", 1, "apps_analyticsReportRequests_getToManyRelated", 2,
                "analyticsReportRequests_reports_getToManyRelated", 2, INSTANCES, REPORTS);
    }

    private static Map<String, Object> filters() {
        return simulator().get("/simulator/calls").then().statusCode(200).extract().jsonPath().getMap("filters");
    }

    @Test
    void theFirstSyncANoChangeResyncAndTheNextDayEachCostTheMinimum() {
        simulator().delete("/simulator/calls").then().statusCode(200);
        int first = instances(Map.of());
        SyncRun.Summary s1 = sync();
        assertTrue(s1.complete(), s1.problems().toString());
        Map<String, Object> expected = new HashMap<>(listingCalls());
        expected.put(SEGMENTS, first);
        assertEquals(expected, callsByEndpoint(), "first sync: the listings, and one segments call per instance");
        assertEquals(Map.of("analyticsReportRequests_reports_getToManyRelated filter[category]", 2), filters(),
                "a first listing asks for every processing date");
        assertEquals(List.of(), s1.warnings());

        simulator().delete("/simulator/calls").then().statusCode(200);
        SyncRun.Summary s2 = sync();
        assertTrue(s2.complete(), s2.problems().toString());
        assertEquals(0, s2.newSegments());
        assertEquals(listingCalls(), callsByEndpoint(), "no change: the listings only");
        assertEquals(REPORTS, ((Number) filters().get(INSTANCES + " filter[processingDate]")).intValue(),
                "a routine listing asks only for the days that can hold something new");

        advanceDays(1);
        int next = instances(Map.of("processingDate", "2026-03-07"));
        assertTrue(next > 0, "the next day brings new instances");
        long downloadedBefore = downloads();
        SyncRun.Summary s3 = sync();
        assertTrue(s3.complete(), s3.problems().toString());
        expected = new HashMap<>(listingCalls());
        expected.put(SEGMENTS, next);
        assertEquals(expected, callsByEndpoint(), "next day: the listings, and one segments call per new instance");
        assertEquals(next, s3.instancesCompleted());
        List<Map<String, Object>> all = catalogue(Map.of("category", "APP_USAGE")).getList("segments");
        all.forEach(s -> assertTrue(Files.exists(SyncHarness.segmentFile(s)), "delivered: " + s));
        long newSegments = all.stream().filter(s -> "2026-03-07".equals(s.get("processingDate"))).count();
        assertEquals(newSegments, s3.newSegments());
        assertEquals(downloadedBefore + newSegments, downloads(), "only the new segments were downloaded");
        assertEquals(List.of(), s3.warnings());

        // the watermarks, as a user sees them: the age of the newest processing date delivered, on 2026-03-07
        String app = "app=\"" + all.get(0).get("appId") + "\"";
        Map<String, Double> metrics = ObservabilityTest.metrics();
        String age = "asc_report_newest_processing_date_age_days";
        assertEquals(0, ObservabilityTest.value(metrics, age, app, "report=\"App Crashes\"", "granularity=\"DAILY\""), "today's");
        assertEquals(1, ObservabilityTest.value(metrics, age, app, "report=\"App Crashes\"", "granularity=\"WEEKLY\""), "Friday's");
        assertEquals(2, ObservabilityTest.value(metrics, age, app, "report=\"App Crashes\"", "granularity=\"MONTHLY\""), "the 5th's");
    }

    @Test
    void aDateAppleSkippedIsReportedOnceAsAGap() {
        assertTrue(sync().complete());
        advanceDays(3);
        assertEquals(0, instances(Map.of("processingDate", "2026-03-08")), "the simulator skips 2026-03-08");
        SyncRun.Summary later = sync();
        assertTrue(later.complete(), "a date Apple never published is not a failure: " + later.problems());
        List<String> gaps = later.warnings().stream().filter(w -> w.contains("no instance for processing dates 2026-03-08 to 2026-03-08")).toList();
        assertEquals(REPORTS, gaps.size(), "each report's DAILY series has the gap: " + later.warnings());
        assertTrue(gaps.stream().allMatch(w -> w.contains("Apple published none") && w.contains("(DAILY)")), gaps.toString());

        assertEquals(List.of(), sync().warnings(), "a gap is reported once");
    }

    @Test
    void datesDeletedBeforeASyncCouldReadThemAreReportedWithTheBackfillHint() {
        assertTrue(sync().complete());
        advanceDays(40);
        SyncRun.Summary late = sync();
        assertTrue(late.complete(), late.problems().toString());
        // 2026-04-15: Apple keeps 2026-03-12 onwards; 2026-03-07 .. 2026-03-11 of the DAILY series are gone
        List<String> lost = late.warnings().stream().filter(w -> w.contains("(DAILY)")).toList();
        assertEquals(REPORTS, lost.size(), late.warnings().toString());
        assertTrue(lost.stream().allMatch(w -> w.contains("no instance for processing dates 2026-03-07 to 2026-03-11")
                && w.contains("Apple deleted them after 35 days") && w.contains("asc.sync.snapshot=true")), lost.toString());
        catalogue(Map.of("category", "APP_USAGE")).getList("segments")
                .forEach(s -> assertTrue(Files.exists(SyncHarness.segmentFile((Map<String, Object>) s)), "delivered: " + s));
    }
}
