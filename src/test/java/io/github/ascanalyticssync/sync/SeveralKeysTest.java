package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.assertDeliveredExactly;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.simulator.SimulatorTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Three keys in one deployment, each with its own app: team-a (the demo Admin key), team-b (an individual Admin key)
 * and team-c, whose .p8 file is missing. What one key lacks never holds up the others.
 */
@QuarkusTest
@TestProfile(SeveralKeysTest.ThreeKeys.class)
class SeveralKeysTest {

    static final String APP_A = "1111111111";
    static final String APP_B = "2222222222";
    static final String APP_C = "3333333333";
    static final String MISSING_APP = "1999999999";

    public static class ThreeKeys extends SimulatorTestResource.OwnSimulator {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the simulator knows DEMOKEY001 and INDIVID001 from the test profile (application.properties)
            return Map.ofEntries(Map.entry("asc.sync.categories", "COMMERCE"), Map.entry("asc.keys", "team-a,team-b,team-c"),
                    Map.entry("asc.keys.team-a.key-id", "DEMOKEY001"),
                    Map.entry("asc.keys.team-a.private-key-path", "classpath:simulator/demo/AuthKey_DEMOKEY001.p8"),
                    Map.entry("asc.keys.team-a.app-ids", APP_A),
                    Map.entry("asc.keys.team-b.key-id", "INDIVID001"), Map.entry("asc.keys.team-b.individual-key", "true"),
                    Map.entry("asc.keys.team-b.private-key-path", "classpath:keys/AuthKey_INDIVID001.p8"),
                    Map.entry("asc.keys.team-b.app-ids", APP_B + "," + APP_C),
                    Map.entry("asc.keys.team-c.key-id", "MISSING001"), Map.entry("asc.keys.team-c.private-key-path", "target/no-such/AuthKey.p8"),
                    Map.entry("asc.keys.team-c.app-ids", MISSING_APP));
        }

        @Override
        protected Map<String, String> simulatorSettings() {
            return Map.of("asc.simulator.data.app-ids", APP_A + "," + APP_B + "," + APP_C);
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    private static List<Map<String, Object>> expected(String appId) {
        return catalogue(Map.of("category", "COMMERCE", "appId", appId)).getList("segments");
    }

    @Test
    void eachKeySyncsItsOwnAppsWithItsOwnTokenAndAKeyWithoutItsFileIsNamedWithItsApps() {
        SyncRun.Summary summary = sync();
        List<Map<String, Object>> both = new ArrayList<>(expected(APP_A));
        both.addAll(expected(APP_B));
        both.addAll(expected(APP_C));
        assertFalse(both.isEmpty());
        assertDeliveredExactly(both);
        assertFalse(summary.complete(), "team-c's app is not delivered: the one-shot exit code is 1");
        assertEquals(List.of("app " + MISSING_APP + " (key team-c): not synced, no token can be made with it: asc.keys.team-c.private-key-path"
                + " names target/no-such/AuthKey.p8, which does not exist"), summary.problems());
        List<Map<String, Object>> calls = simulator().get("/simulator/calls").then().extract().jsonPath().getList("calls");
        Set<String> keys = calls.stream().map(c -> String.valueOf(c.get("key"))).collect(Collectors.toSet());
        assertEquals(Set.of("DEMOKEY001", "INDIVID001"), keys, "every call signed by the key of its app: " + calls);
    }

    @Test
    void aRevokedKeyLeavesTheOtherKeysAppsDeliveredInFullAndItsOwnAppsNamed() {
        simulator().post("/simulator/keys/INDIVID001/revoke").then().statusCode(200);
        simulator().post("/simulator/keys/NOSUCHKEY1/revoke").then().statusCode(404);
        SyncRun.Summary summary = sync();
        assertDeliveredExactly(expected(APP_A));
        assertFalse(summary.complete());
        assertTrue(summary.problems().stream().anyMatch(p -> p.contains("app " + APP_B + " (key team-b)") && p.contains("401")),
                summary.problems().toString());
        // its second app is named without a call: App Store Connect refused the key already in this sync
        assertTrue(summary.problems().contains("app " + APP_C + " (key team-b): not synced, App Store Connect refused the key in this sync: GET"
                + " /v1/apps/{id}/analyticsReportRequests answered 401 NOT_AUTHORIZED: Provide a properly configured and signed bearer token,"
                + " and make sure that it has not expired. Learn more about Generating Tokens for API Requests"
                + " https://developer.apple.com/go/?id=api-generating-tokens"), summary.problems().toString());
        assertTrue(summary.problems().stream().anyMatch(p -> p.startsWith("app " + MISSING_APP + " (key team-c)")), summary.problems().toString());
        assertEquals(3, summary.problems().size(), summary.problems().toString());
        assertEquals(2, SyncHarness.calls(401), () -> "one call, and one more with a fresh token: " + simulator().get("/simulator/calls").asString());
    }
}
