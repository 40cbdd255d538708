package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.assertDeliveredExactly;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.downloads;
import static io.github.ascanalyticssync.sync.SyncHarness.ledger;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.simulator.SimulatorTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A first sync the quota cannot cover: two apps, three reports each, about three weeks of daily instances, and an
 * App Store Connect quota (Apple's window shrunk to 20 seconds on both sides) that runs out about half-way. What was
 * delivered is the oldest across every app and report of the key, the summary says what the rest needs, and the next
 * run, with the quota back, delivers the rest, each segment once.
 */
@QuarkusTest
@TestProfile(OldestFirstTest.QuotaForHalf.class)
class OldestFirstTest {

    static final int QUOTA = 70;
    static final String REPORTS = "App Crashes,App Sessions Standard,App Store Purchases Standard";

    public static class QuotaForHalf extends SimulatorTestResource.OwnSimulator {
        @Override
        public Map<String, String> getConfigOverrides() {
            // one lane: with N lanes, up to N - 1 instances in flight when the quota runs out may end after an older one
            // that is left (README); one lane makes the order exact, and the previous walk fails it even so (app by app)
            return Map.of("asc.sync.report-names", REPORTS, "asc.sync.granularities", "DAILY", "asc.sync.rate-limit.window", "20s",
                    "asc.sync.rate-limit.reserve", "2", "asc.sync.rate-limit.max-wait", "1s", "asc.sync.lookback-days", "30",
                    "asc.sync.parallel-reports", "1");
        }

        @Override
        protected Map<String, String> simulatorSettings() {
            return Map.of("asc.simulator.rate-limit.per-hour", Integer.toString(QUOTA), "asc.simulator.rate-limit.window", "20s",
                    "asc.simulator.data.seed-ongoing-age-days", "24");
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    @Test
    void whenTheQuotaRunsOutWhatExpiresFirstWasFetchedFirstAcrossAppsAndReportsAndTheNextRunDeliversTheRestOnce() throws Exception {
        List<Map<String, Object>> segments = new ArrayList<>();
        for (String report : REPORTS.split(",")) {
            segments.addAll(catalogue(Map.of("report", report, "granularity", "DAILY")).getList("segments"));
        }
        // per instance (of those with segments): its processing date
        Map<String, String> dates = new TreeMap<>();
        Set<String> apps = new TreeSet<>();
        for (Map<String, Object> s : segments) {
            dates.put(String.valueOf(s.get("instanceId")), String.valueOf(s.get("processingDate")));
            apps.add(String.valueOf(s.get("appId")));
        }
        assertEquals(2, apps.size(), "two apps");
        assertTrue(new TreeSet<>(dates.values()).size() >= 15, "many days: " + new TreeSet<>(dates.values()));

        Instant started = Instant.now();
        SyncRun.Summary first = sync();

        IdempotentRepository instances = ledger("instanceLedger");
        List<String> delivered = dates.keySet().stream().filter(instances::contains).toList();
        List<String> left = dates.keySet().stream().filter(i -> !instances.contains(i)).toList();
        assertFalse(delivered.isEmpty(), "the quota covered some: " + first.problems());
        assertFalse(left.isEmpty(), "the quota did not cover all: " + first.problems());
        String newestDelivered = delivered.stream().map(dates::get).max(String::compareTo).orElseThrow();
        String oldestLeft = left.stream().map(dates::get).min(String::compareTo).orElseThrow();
        assertTrue(newestDelivered.compareTo(oldestLeft) <= 0, "delivered up to " + newestDelivered + ", yet left " + oldestLeft
                + " (" + delivered.size() + " instance(s) delivered, " + left.size() + " left)");

        // the one sentence: the calls the rest needs (a segments listing per instance left, those without segments too)
        String sentence = first.problems().stream().filter(p -> p.contains("is used up; left for the next run")).findFirst()
                .orElseThrow(() -> new AssertionError("no quota sentence: " + first.problems()));
        Matcher calls = Pattern.compile("\\(at least (\\d+) API call\\(s\\)\\); at the current budget of (\\d+) calls per 20s that can be done from"
                + " (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d) UTC").matcher(sentence);
        assertTrue(calls.find(), sentence);
        assertTrue(sentence.contains(" instance(s)"), sentence);
        assertTrue(Integer.parseInt(calls.group(1)) >= left.size(), left.size() + " instance(s) left: " + sentence);
        assertEquals(QUOTA, Integer.parseInt(calls.group(2)), sentence);
        // when: once Apple's window has passed, plus a window per further QUOTA calls (minutes, rounded down)
        Instant when = LocalDateTime.parse(calls.group(3).replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        Instant latest = Instant.now().plusSeconds(20L * (1 + (Integer.parseInt(calls.group(1)) - 1) / QUOTA));
        assertTrue(!when.isBefore(started.truncatedTo(ChronoUnit.MINUTES)) && !when.isAfter(latest), when + " within " + started + " .. " + latest);

        // the quota is back (Apple's window passed): the next run delivers the rest, each segment once
        simulator().body("{\"perHour\":100000}").put("/simulator/rate-limit").then().statusCode(200);
        Thread.sleep(21_000);
        SyncRun.Summary second = sync();
        assertTrue(second.complete(), second.problems().toString());
        assertDeliveredExactly(segments);
        assertEquals(segments.size(), downloads(), "each segment downloaded once");
    }
}
