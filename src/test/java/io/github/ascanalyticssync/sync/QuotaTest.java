package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.assertDeliveredExactly;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.enterprise.inject.spi.CDI;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.RateBudget;
import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.simulator.SimulatorTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The key's quota used up by another client (the test, with the same key), Apple's hour shrunk to 15 seconds on
 * both sides, service mode: the sync meets at most two 429s, says once per wait when it resumes, waits, and delivers
 * everything; what Apple announced is in the state store for the next process.
 */
@QuarkusTest
@TestProfile(QuotaTest.SmallQuota.class)
class QuotaTest {

    static final int QUOTA = 12;

    public static class SmallQuota extends SimulatorTestResource.OwnSimulator {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.sync.report-names", "App Crashes", "asc.sync.granularities", "DAILY",
                    "asc.sync.rate-limit.window", "15s", "asc.sync.rate-limit.reserve", "2");
        }

        @Override
        protected Map<String, String> simulatorSettings() {
            return Map.of("asc.simulator.rate-limit.per-hour", Integer.toString(QUOTA), "asc.simulator.rate-limit.window", "15s");
        }
    }

    private final List<String> budgetLog = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            budgetLog.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
        Logger.getLogger(RateBudget.class.getName()).addHandler(handler);
    }

    @AfterEach
    void tearDown() {
        Logger.getLogger(RateBudget.class.getName()).removeHandler(handler);
    }

    /** Another client with the same key spends the whole quota of the window. */
    static void useUpTheQuota() {
        String token = CDI.current().select(ApiKeys.class).get().issuer(KeySettings.DEFAULT).token();
        String api = ConfigProvider.getConfig().getValue("asc.api.base-url", String.class);
        for (int i = 0; i < QUOTA; i++) {
            given().baseUri(api).header("Authorization", "Bearer " + token).get("/v1/apps").then().statusCode(200);
        }
        given().baseUri(api).header("Authorization", "Bearer " + token).get("/v1/apps").then().statusCode(429);
    }

    @Test
    void aQuotaUsedUpByAnotherClientMeetsAtMostTwo429sThenTheServiceWaitsSaysOnceWhenItResumesAndDeliversEverything() {
        useUpTheQuota();
        long before = SyncHarness.calls(429);
        long started = System.nanoTime();
        SyncRun.Summary summary = sync();
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertTrue(summary.complete(), summary.problems().toString());
        assertDeliveredExactly(expected());
        long met = SyncHarness.calls(429) - before;
        assertTrue(met <= 2, "at most two calls met the used-up quota: " + met);
        // each wait said once (Apple's window is so short here that the quota can be used up again later in the sync:
        // a new wait, a new line), never once per call
        List<String> resumes = budgetLog.stream().filter(m -> m.contains("API calls resume at")).toList();
        assertTrue(!resumes.isEmpty(), "said when it resumes: " + budgetLog);
        assertEquals(resumes.size(), resumes.stream().map(m -> m.substring(m.indexOf("resume at"))).distinct().count(),
                "each wait said once: " + resumes);
        assertTrue(seconds >= 2, "it waited for the window to free up: " + seconds + " s");
        int most = simulator().get("/simulator/rate-limit").then().extract().jsonPath().getInt("keys.DEMOKEY001.maxInWindow");
        assertTrue(most <= QUOTA, "never more than Apple's quota in a window: " + most);
        String stored = CDI.current().select(StateStore.class).get().get("rate-budget/DEMOKEY001").orElse("");
        assertTrue(stored.contains("limit=" + QUOTA + ";remaining="), "Apple's figure is in the state store: " + stored);
    }

    private static List<Map<String, Object>> expected() {
        List<Map<String, Object>> all = new java.util.ArrayList<>();
        all.addAll(catalogue(Map.of("report", "App Crashes", "granularity", "DAILY")).getList("segments"));
        return all;
    }
}
