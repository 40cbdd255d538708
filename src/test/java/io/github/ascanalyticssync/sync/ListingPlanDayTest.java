package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.callsByEndpoint;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.simulator.SimulatorTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Hourly syncs over two simulated days with the listing plan on: instances appear at hours spread over the day, 5 % of
 * them a day late, and 2026-03-06 is a date Apple skipped. The calls stay within 1.5 times what the new data needs,
 * a sync with nothing due costs at most one call per app, and every segment arrives exactly once.
 */
@QuarkusTest
@TestProfile(ListingPlanDayTest.Hourly.class)
class ListingPlanDayTest {

    /** The dataset's two apps, all 116 reports. */
    static final int APPS = 2;

    public static class Hourly extends SimulatorTestResource.OwnSimulator {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.sync.listing.cache", "true");
        }

        @Override
        protected Map<String, String> simulatorSettings() {
            return Map.of("asc.simulator.lifecycle.inactivity-days", "400",
                    "asc.simulator.data.skipped-dates", "2026-03-06", "asc.simulator.data.late-share", "0.05",
                    "asc.simulator.data.publish-hours", "0-23",
                    // every instance has segments, so that the catalogue shows every new instance (the minimum counts them)
                    "asc.simulator.data.empty-instance-ratio", "0");
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
        simulator().body(Map.of("now", "2026-03-07T00:30:00Z")).put("/simulator/clock").then().statusCode(200);
    }

    private static long totalCalls() {
        return callsByEndpoint().values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
    }

    private static SyncRun.Summary hourLater() {
        simulator().queryParam("hours", 1).post("/simulator/clock/advance").then().statusCode(200);
        SyncRun.Summary s = sync();
        assertTrue(s.complete(), s.problems().toString());
        return s;
    }

    private static io.restassured.path.json.JsonPath everything() {
        return catalogue(Map.of());
    }

    @Test
    void twoDaysOfHourlySyncsCostAboutWhatTheNewDataNeedsAndDeliverEverySegmentOnce() {
        assertTrue(sync().complete(), "the first sync of 2026-03-07, at 00:30");
        Instant start = Instant.parse("2026-03-07T00:30:00Z");
        int instancesBefore = everything().getInt("instances");
        long before = totalCalls();
        List<Long> quietSyncs = new java.util.ArrayList<>();
        for (int hour = 1; hour < 48; hour++) {
            long at = totalCalls();
            hourLater();
            // 2026-03-08, 00:30 to 11:30: yesterday's instances are in, today's are not due before the probe at 12
            if (hour >= 24 && hour < 36) {
                quietSyncs.add(totalCalls() - at);
            }
        }
        long spent = totalCalls() - before;

        io.restassured.path.json.JsonPath catalogue = everything();
        List<Map<String, Object>> all = catalogue.getList("segments");
        int newInstances = catalogue.getInt("instances") - instancesBefore;
        Set<Object> reportDays = new HashSet<>();
        boolean late = false;
        for (Map<String, Object> s : all) {
            Instant published = Instant.parse(String.valueOf(s.get("publishedAt")));
            if (published.isAfter(start)) {
                reportDays.add(s.get("reportId") + "/" + published.toString().substring(0, 10));
                late |= !published.toString().startsWith(String.valueOf(s.get("processingDate")));
            }
        }
        assertTrue(late, "some instances appeared a day late");
        // per app and day a requests and a reports listing; per report and day with something new one instances
        // listing; one segments listing per new instance
        long minimum = 2L * APPS * 2 + reportDays.size() + newInstances;
        assertTrue(spent <= 1.5 * minimum, "calls " + spent + " <= 1.5 x the minimum " + minimum + " (" + newInstances + " new instances, "
                + reportDays.size() + " report days)");
        quietSyncs.forEach(c -> assertTrue(c <= APPS, "a sync with nothing due costs at most one call per app: " + quietSyncs));

        SyncHarness.assertDeliveredExactly(all);
        List<Map<String, Object>> downloads = simulator().get("/simulator/downloads").then().statusCode(200).extract().jsonPath().getList("downloads");
        assertEquals(all.size(), downloads.size(), "each segment downloaded");
        downloads.forEach(d -> assertEquals(1, ((Number) d.get("started")).intValue(), "downloaded once: " + d));
    }
}
