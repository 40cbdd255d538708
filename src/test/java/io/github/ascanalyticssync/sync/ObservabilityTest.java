package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.inject.spi.CDI;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.api.ApiStats;
import io.github.ascanalyticssync.run.SyncRun;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/** What /q/metrics and /q/health show after syncs against the simulator, one of them with a failing destination. */
@QuarkusTest
@TestProfile(SyncTest.TwoCategories.class)
class ObservabilityTest {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})?\\s+(\\S+)$");

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    /** Every sample of /q/metrics, keyed {@code name{labels}} as Prometheus prints them. */
    static Map<String, Double> metrics() {
        String text = SyncHarness.metricsText();
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line.trim());
            if (!line.startsWith("#") && m.matches()) {
                out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.valueOf(m.group(3)));
            }
        }
        return out;
    }

    /** The sum of the samples whose name and labels contain all the parts (0 when none). */
    static double value(Map<String, Double> metrics, String name, String... labels) {
        List<Double> found = new ArrayList<>();
        metrics.forEach((k, v) -> {
            if (k.startsWith(name + "{") || k.equals(name)) {
                for (String l : labels) {
                    if (!k.contains(l)) {
                        return;
                    }
                }
                found.add(v);
            }
        });
        return found.stream().mapToDouble(Double::doubleValue).sum();
    }

    static double delta(Map<String, Double> before, Map<String, Double> after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }

    @Test
    void metricsAndHealthShowTheSyncAndAFailingDestinationWithoutMakingThePodUnready() throws Exception {
        List<Map<String, Object>> expected = SyncHarness.expected("COMMERCE", "APP_USAGE");
        // the instances walked last (newest, of one app): the folder fails twice in a row there, and is skipped for the rest of the sync
        List<Map<String, Object>> last = SyncHarness.walkedLast(expected);
        String blockedApp = String.valueOf(last.get(0).get("appId"));
        String otherApp = expected.stream().map(s -> String.valueOf(s.get("appId"))).filter(a -> !a.equals(blockedApp)).findFirst().orElseThrow();
        long blocked = last.size();
        long delivered = expected.size() - blocked;
        long deliveredBytes = expected.stream().filter(s -> !last.contains(s)).mapToLong(s -> ((Number) s.get("sizeInBytes")).longValue()).sum();
        List<Path> blockers = SyncHarness.blockInstanceFoldersOf(last);

        Map<String, Double> before = metrics();
        SyncRun.Summary first = sync();
        assertFalse(first.complete());
        Map<String, Double> after = metrics();

        // API calls by endpoint and status, and Apple's announced quota
        assertEquals(42, delta(before, after, "asc_api_calls_total", "endpoint=\"GET /v1/analyticsReports/{id}/instances\"", "status=\"200\""));
        assertEquals(first.apiCalls().values().stream().mapToLong(Long::longValue).sum(), delta(before, after, "asc_api_calls_total"),
                "every call counted once");
        assertEquals(CDI.current().select(ApiStats.class).get().remaining().doubleValue(), value(after, "asc_api_rate_limit_remaining"));
        assertEquals(3600, value(after, "asc_api_rate_limit"));
        assertTrue(value(after, "asc_api_budget_used") >= first.apiCalls().values().stream().mapToLong(Long::longValue).sum());
        // deliveries and failures per destination
        assertEquals(delivered, delta(before, after, "asc_delivered_total", "destination=\"local\"", "kind=\"segment\""));
        assertEquals(deliveredBytes, delta(before, after, "asc_delivered_bytes_total", "destination=\"local\""));
        assertEquals(2, delta(before, after, "asc_delivery_failures_total", "destination=\"local\"", "kind=\"segment\""),
                "two failures in a row open the destination's circuit breaker for the rest of the sync");
        assertTrue(blocked > 2);
        assertEquals(delivered + 2, delta(before, after, "asc_downloaded_segments_total"), "each segment downloaded once, none for a skipped destination");
        // the sync, the last complete sync per app, the age of the newest processing date per report
        assertEquals(1, delta(before, after, "asc_sync_duration_seconds_count", "outcome=\"incomplete\""));
        assertTrue(value(after, "asc_sync_last_success_seconds", "app=\"" + otherApp + "\"") > 0, "the other app synced completely");
        assertEquals(value(before, "asc_sync_last_success_seconds", "app=\"" + blockedApp + "\""),
                value(after, "asc_sync_last_success_seconds", "app=\"" + blockedApp + "\""), "the blocked app did not (its gauge is unchanged)");
        assertEquals(0, value(after, "asc_report_newest_processing_date_age_days", "app=\"" + otherApp + "\"", "report=\"App Crashes\"",
                "granularity=\"DAILY\""), "today's DAILY instance was delivered");
        assertEquals(1, value(after, "asc_report_newest_processing_date_age_days", "app=\"" + otherApp + "\"", "report=\"App Crashes\"",
                "granularity=\"MONTHLY\""), "the MONTHLY instance of the 5th, one day old on the 6th");
        assertTrue(value(after, "camel_exchanges_total", "routeId=\"asc-segment\"") > 0, "Camel's route metrics are there too");

        // the Grafana dashboard shows only metrics that exist
        String dashboard = Files.readString(Path.of("k8s/grafana/asc-analytics-sync-dashboard.json"));
        Matcher used = Pattern.compile("asc_[a-z_]+").matcher(dashboard);
        int names = 0;
        while (used.find()) {
            String metric = used.group();
            assertTrue(after.keySet().stream().anyMatch(k -> k.equals(metric) || k.startsWith(metric + "{")), "the dashboard's " + metric + " is exported");
            names++;
        }
        assertTrue(names > 10, "the dashboard charts the sync's metrics");

        // live and ready, the failure in the readiness data
        given().get("/q/health/live").then().statusCode(200);
        JsonPath ready = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertEquals("UP", ready.getString("status"));
        Map<String, Object> data = ready.getMap("checks.find { it.name == 'asc-sync-ready' }.data");
        assertTrue(String.valueOf(data.get("destination.local")).startsWith("failing since "), data.toString());
        assertTrue(String.valueOf(data.get("lastSync")).contains("incomplete"), data.toString());
        assertFalse(given().get("/q/health/ready").asString().contains("eyJ"), "no token in the health output");

        SyncHarness.unblock(blockers);
        SyncRun.Summary second = sync();
        assertTrue(second.complete(), second.problems().toString());
        Map<String, Double> healed = metrics();
        assertTrue(value(healed, "asc_sync_last_success_seconds", "app=\"" + blockedApp + "\"") > 0);
        assertEquals(1, delta(after, healed, "asc_sync_duration_seconds_count", "outcome=\"complete\""));
        data = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath().getMap("checks.find { it.name == 'asc-sync-ready' }.data");
        assertTrue(String.valueOf(data.get("destination.local")).startsWith("ok, last delivery"), data.toString());
    }
}
