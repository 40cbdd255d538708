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
import java.util.ArrayList;
import java.util.HashMap;
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
    /** The second day's syncs: after this one. */
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

    /** Per instance id, when a sync delivered it (the simulator's clock), and the calls of the second day's syncs. */
    private record Days(Map<String, Instant> deliveredAt, long dayTwoCalls) {
    }

    /** A first sync at 00:30 UTC, then one every hour for two days; the quota set after the first when given. */
    private static Days twoDays(Integer perHour) {
        assertTrue(sync().complete(), "the first sync of 2026-03-07, at 00:30");
        if (perHour != null) {
            simulator().body(Map.of("perHour", perHour)).put("/simulator/rate-limit").then().statusCode(200);
        }
        Map<String, Instant> delivered = new HashMap<>();
        long dayTwo = 0;
        for (int hour = 1; hour <= 48; hour++) {
            simulator().queryParam("hours", 1).post("/simulator/clock/advance").then().statusCode(200);
            long before = totalCalls();
            SyncRun.Summary s = sync();
            assertTrue(s.complete(), s.problems().toString());
            Instant now = START.plus(Duration.ofHours(hour));
            if (now.isAfter(DAY_TWO)) {
                dayTwo += totalCalls() - before;
            }
            for (Map<String, Object> seg : segments()) {
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
        return new Days(delivered, dayTwo);
    }

    private static List<Map<String, Object>> segments() {
        return catalogue(Map.of()).getList("segments");
    }

    /** The second day's instances (published after its first sync), not late: from appearance to delivery, in minutes. */
    private static List<Long> dayTwoDelays(Days days) {
        Map<String, Long> delays = new HashMap<>();
        for (Map<String, Object> s : segments()) {
            Instant published = Instant.parse(String.valueOf(s.get("publishedAt")));
            boolean late = !published.toString().startsWith(String.valueOf(s.get("processingDate")));
            String id = String.valueOf(s.get("instanceId"));
            if (published.isAfter(DAY_TWO) && !late && days.deliveredAt().containsKey(id)) {
                delays.put(id, Duration.between(published, days.deliveredAt().get(id)).toMinutes());
            }
        }
        return delays.values().stream().sorted().toList();
    }

    private static void assertFresh(Days days) {
        List<Long> delays = dayTwoDelays(days);
        assertTrue(delays.size() > APPS * 6, "the second day's new instances: " + delays.size());
        long median = delays.get(delays.size() / 2);
        long max = delays.get(delays.size() - 1);
        assertTrue(median <= 60, "median delay " + median + " min <= one interval: " + delays);
        assertTrue(max <= 120, "longest delay " + max + " min <= two intervals: " + delays);
    }

    @Test
    void withQuotaToSpareAnInstanceDrawingItsOwnHourIsDeliveredWithinTheHour() {
        assertFresh(twoDays(null));
    }

    @Test
    void withQuotaToSpareAReportsStableHourIsDeliveredWithinTheHour() {
        simulator().body(Map.of("hourMode", "per-report", "hourSpread", 2)).put("/simulator/publishing").then().statusCode(200);
        assertFresh(twoDays(null));
    }

    @Test
    void aKeyNearItsLimitSpendsAboutWhatTheNewDataNeeds() {
        // 4 apps of 6 reports: about 2.5 calls an hour of routine; 5 an hour, less the reserve of 2, leave almost none
        Days days = twoDays(5);
        Set<Object> reportDays = new HashSet<>();
        Set<Object> instances = new HashSet<>();
        boolean late = false;
        Instant end = DAY_TWO.plus(Duration.ofDays(1));
        for (Map<String, Object> s : segments()) {
            Instant published = Instant.parse(String.valueOf(s.get("publishedAt")));
            if (published.isAfter(DAY_TWO) && !published.isAfter(end)) {
                reportDays.add(s.get("reportId"));
                instances.add(s.get("instanceId"));
                late |= !published.toString().startsWith(String.valueOf(s.get("processingDate")));
            }
        }
        // per app and day a requests and a reports listing; per report with something new one instances listing; one
        // segments listing per new instance
        long minimum = 2L * APPS + reportDays.size() + instances.size();
        assertTrue(days.dayTwoCalls() <= 1.2 * minimum, "calls of the second day " + days.dayTwoCalls() + " <= 1.2 x the minimum " + minimum
                + " (" + instances.size() + " new instances, " + reportDays.size() + " reports, late ones among them: " + late + ")");
        Map<String, Object> key = (Map<String, Object>) ((Map<String, Object>) CDI().load().get("keys")).get("default");
        assertEquals("no calls to spare: listed at the probe hours only (up to the day's last hour)", key.get("delay"), "the status: " + key);
    }

    private static SyncStatus CDI() {
        return jakarta.enterprise.inject.spi.CDI.current().select(SyncStatus.class).get();
    }
}
