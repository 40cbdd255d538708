package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.assertDeliveredExactly;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.simulator.SimulatorTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The quota, with Apple's hour shrunk to two seconds on both sides: a sync whose budget is smaller than the calls it
 * needs never exceeds it in any window, and a storm of 429s (with Retry-After) is survived with nothing lost.
 */
@QuarkusTest
@TestProfile(RateBudgetTest.SmallBudget.class)
class RateBudgetTest {

    public static class SmallBudget extends SimulatorTestResource.OwnSimulator {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.sync.categories", "COMMERCE",
                    "asc.sync.rate-limit.calls-per-window", "25", "asc.sync.rate-limit.window", "2s", "asc.sync.rate-limit.reserve", "5");
        }

        @Override
        protected Map<String, String> simulatorSettings() {
            return Map.of("asc.simulator.rate-limit.per-hour", "30", "asc.simulator.rate-limit.window", "2s",
                    "asc.simulator.rate-limit.retry-after-seconds", "1");
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    @Test
    void aSyncNeedingMoreCallsThanItsBudgetNeverExceedsIt() {
        List<Map<String, Object>> expected = catalogue(Map.of("category", "COMMERCE")).getList("segments");
        SyncRun.Summary summary = sync();
        assertTrue(summary.complete(), summary.problems().toString());
        long calls = summary.apiCalls().values().stream().mapToLong(Long::longValue).sum();
        assertTrue(calls > 3 * 25, "the sync needed several windows: " + calls + " calls");
        assertDeliveredExactly(expected);
        JsonPath window = simulator().get("/simulator/rate-limit").then().extract().jsonPath();
        int most = window.getInt("keys.DEMOKEY001.maxInWindow");
        assertTrue(most <= 25, "never more than the budget in one window: " + most);
        assertEquals(0, SyncHarness.calls(429), "the budget kept the sync under Apple's limit");
    }

    @Test
    void aStormOf429sIsSurvivedWithNothingLost() {
        simulator().body(Map.of("rateLimitBurst", Map.of("every", 3, "limit", 10))).put("/simulator/faults").then().statusCode(200);
        SyncRun.Summary summary = sync();
        assertTrue(summary.complete(), summary.problems().toString());
        assertDeliveredExactly(catalogue(Map.of("category", "COMMERCE")).getList("segments"));
        assertEquals(10, SyncHarness.calls(429), "every injected 429 was met and retried");
    }
}
