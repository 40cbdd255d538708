package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.callsByEndpoint;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.segmentFile;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.observe.SyncStatus;
import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.simulator.SimulatorTestResource;
import io.github.ascanalyticssync.walk.ListingPlan;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Hourly syncs over two simulated days with the listing plan on, 4 apps of 6 reports each: instances appear at hours
 * spread over the day (drawn per instance, or per report with a spread), 5 % of them a day late, and 2026-03-06 is a
 * date Apple skipped. With the key's quota to spare, a new instance is delivered within an hour or two of its
 * appearance from the second day on; with a key near its limit (a small announced hourly quota), the day's calls stay
 * within 1.2 times what the new data needs. Every segment arrives exactly once. (Both quota windows are shortened to
 * a second, so that the small quota does not make the test wait; the plan reads Apple's announced limit per hour.)
 */
@QuarkusTest
@TestProfile(ListingPlanDayTest.Hourly.class)
class ListingPlanDayTest {

    static final int APPS = 4;
    static final Instant START = Instant.parse("2026-03-07T00:30:00Z");
    /** The second day's first sync. */
    static final Instant DAY_TWO = Instant.parse("2026-03-08T00:30:00Z");

    public static class Hourly extends SimulatorTestResource.OwnSimulator {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.sync.listing.cache", "true", "asc.sync.rate-limit.window", "1s", "asc.sync.rate-limit.reserve", "2");
        }

        @Override
        protected Map<String, String> simulatorSettings() {
            return Map.of("asc.simulator.lifecycle.inactivity-days", "400", "asc.simulator.data.apps", String.valueOf(APPS),
                    "asc.simulator.data.reports", "6", "asc.simulator.data.skipped-dates", "2026-03-06", "asc.simulator.data.late-share", "0.05",
                    "asc.simulator.data.publish-hours", "0-23", "asc.simulator.rate-limit.window", "1s",
                    // every instance has segments, so that the catalogue shows every new instance (the minimum counts them)
                    "asc.simulator.data.empty-instance-ratio", "0");
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
        simulator().body(Map.of("now", START.toString())).put("/simulator/clock").then().statusCode(200);
    }

    private static long totalCalls() {
        return callsByEndpoint().values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
    }

    /**
     * Per instance id, when a sync delivered it (the simulator's clock); the calls of the second day's syncs, its syncs,
     * and their app listings.
     */
    private record Days(Map<String, Instant> deliveredAt, long dayTwoCalls, int dayTwoSyncs, long dayTwoAppListings) {
    }

    private static long appListings() {
        Object n = callsByEndpoint().get("apps_getCollection");
        return n == null ? 0 : ((Number) n).longValue();
    }

    /**
     * A first sync at 00:30 UTC on 2026-03-07, then one every hour up to {@code last}; the quota set after the first
     * when given. Every segment published by the last sync is delivered exactly once.
     */
    private static Days syncHourlyUntil(Instant last, Integer perHour) {
        assertTrue(sync().complete(), "the first sync of 2026-03-07, at 00:30");
        if (perHour != null) {
            simulator().body(Map.of("perHour", perHour)).put("/simulator/rate-limit").then().statusCode(200);
        }
        Map<String, Instant> delivered = new HashMap<>();
        long dayTwo = 0;
        int dayTwoSyncs = 0;
        long dayTwoApps = 0;
        for (Instant now = START.plus(Duration.ofHours(1)); !now.isAfter(last); now = now.plus(Duration.ofHours(1))) {
            simulator().queryParam("hours", 1).post("/simulator/clock/advance").then().statusCode(200);
            long before = totalCalls();
            long appsBefore = appListings();
            SyncRun.Summary s = sync();
            assertTrue(s.complete(), s.problems().toString());
            if (!now.isBefore(DAY_TWO) && now.isBefore(DAY_TWO.plus(Duration.ofDays(1)))) {
                dayTwo += totalCalls() - before;
                dayTwoSyncs++;
                dayTwoApps += appListings() - appsBefore;
            }
            // when the second day's instances were delivered (from its first sync on; the freshness tests measure them)
            for (Map<String, Object> seg : now.isBefore(DAY_TWO) || perHour != null ? List.<Map<String, Object>>of() : dayTwoSegments()) {
                if (!delivered.containsKey(String.valueOf(seg.get("instanceId"))) && Files.exists(segmentFile(seg))) {
                    delivered.put(String.valueOf(seg.get("instanceId")), now);
                }
            }
        }
        List<Map<String, Object>> all = segments();
        SyncHarness.assertDeliveredExactly(all);
        List<Map<String, Object>> downloads = simulator().get("/simulator/downloads").then().statusCode(200).extract().jsonPath().getList("downloads");
        assertEquals(all.size(), downloads.size(), "each segment downloaded");
        downloads.forEach(d -> assertEquals(1, ((Number) d.get("started")).intValue(), "downloaded once: " + d));
        return new Days(delivered, dayTwo, dayTwoSyncs, dayTwoApps);
    }

    private static List<Map<String, Object>> segments() {
        return catalogue(Map.of()).getList("segments");
    }

    /** The segments of the instances of the second day's processing date (those published are listed). */
    private static List<Map<String, Object>> dayTwoSegments() {
        return catalogue(Map.of("accessType", "ONGOING", "processingDate", ListingPlan.day(DAY_TWO).toString())).getList("segments");
    }

    /**
     * The second day's instances (processing date 2026-03-08, published that day, not late): from appearance to
     * delivery, in minutes. The syncs run until 01:30 the next day, so that each had two hours at least; one not
     * delivered fails.
     */
    private static List<Long> dayTwoDelays(Days days) {
        Map<String, Long> delays = new HashMap<>();
        for (Map<String, Object> s : dayTwoSegments()) {
            Instant published = Instant.parse(String.valueOf(s.get("publishedAt")));
            String id = String.valueOf(s.get("instanceId"));
            if (ListingPlan.day(published).equals(ListingPlan.day(DAY_TWO))) {
                assertTrue(days.deliveredAt().containsKey(id), "delivered: " + s);
                delays.put(id, Duration.between(published, days.deliveredAt().get(id)).toMinutes());
            }
        }
        return delays.values().stream().sorted().toList();
    }

    private static void assertFresh(Days days) {
        List<Long> delays = dayTwoDelays(days);
        // one DAILY instance per report and day; 5 % of them a day late (seeded: one or two), the rest all measured
        assertTrue(delays.size() >= APPS * 6 - 3, "the second day's instances, late ones aside: " + delays.size());
        long median = delays.get(delays.size() / 2);
        long max = delays.get(delays.size() - 1);
        assertTrue(median <= 60, "median delay " + median + " min <= one interval: " + delays);
        assertTrue(max <= 120, "longest delay " + max + " min <= two intervals: " + delays);
    }

    @Test
    void withQuotaToSpareAnInstanceDrawingItsOwnHourIsDeliveredWithinTheHour() {
        assertFresh(syncHourlyUntil(DAY_TWO.plus(Duration.ofHours(25)), null));
    }

    @Test
    void withQuotaToSpareAReportsStableHourIsDeliveredWithinTheHour() {
        simulator().body(Map.of("hourMode", "per-report", "hourSpread", 2)).put("/simulator/publishing").then().statusCode(200);
        assertFresh(syncHourlyUntil(DAY_TWO.plus(Duration.ofHours(25)), null));
    }

    @Test
    void aKeyNearItsLimitSpendsAboutWhatTheNewDataNeeds() {
        // 4 apps of 6 reports: about 2.5 calls an hour of routine; 5 an hour, less the reserve of 2, leave almost none.
        // Nothing to spare: a new instance waits for the day's last probe hour, so the syncs end with 23:30's.
        Days days = syncHourlyUntil(DAY_TWO.plus(Duration.ofHours(23)), 5);
        // the second day's syncs, 00:30 to 23:30, and what appeared between the first day's last one and its last one
        Set<Object> reportDays = new HashSet<>();
        Set<Object> instances = new HashSet<>();
        Instant from = DAY_TWO.minus(Duration.ofHours(1));
        Instant end = DAY_TWO.plus(Duration.ofHours(23));
        for (Map<String, Object> s : segments()) {
            Instant published = Instant.parse(String.valueOf(s.get("publishedAt")));
            if (published.isAfter(from) && !published.isAfter(end)) {
                reportDays.add(s.get("reportId"));
                instances.add(s.get("instanceId"));
            }
        }
        // per app and day a requests and a reports listing; per report with something new one instances listing; one
        // segments listing per new instance. Besides, every sync lists the apps once: its answer's Date header is the
        // clock the listing plan reads (one call a sync, whatever is due; 24 a day at hourly syncs), not counted here.
        long minimum = 2L * APPS + reportDays.size() + instances.size();
        assertTrue(days.dayTwoAppListings() <= days.dayTwoSyncs(), "one app listing a sync: " + days.dayTwoAppListings());
        long spent = days.dayTwoCalls() - days.dayTwoAppListings();
        assertTrue(spent <= 1.2 * minimum, "calls of the second day " + days.dayTwoCalls() + ", " + spent + " besides the syncs' app listings, <= 1.2 x the minimum "
                + minimum + " (" + instances.size() + " new instances, " + reportDays.size() + " reports)");
        // the status: little to spare (5 an hour less the reserve and the routine), so a report awaiting its new
        // instance is listed at the probe hours, or every few hours at most, not at every sync
        Map<String, Object> key = io.restassured.RestAssured.given().get("/status").then().statusCode(200).extract().jsonPath().getMap("keys.default");
        assertTrue(((Number) key.get("sparePerHour")).doubleValue() < 5 - 2, "the status: " + key);
        Object gap = key.get("listingGap");
        assertTrue(gap == null || Duration.parse(String.valueOf(gap)).compareTo(Duration.ofHours(4)) >= 0, "the status: " + key);
    }
}
