package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.callsByEndpoint;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import io.github.ascanalyticssync.run.SyncRun;

/** A Sales and Reports key reads everything, and gets a clear message where only an Admin key can help. */
@QuarkusTest
@TestProfile(ReadKeyTest.SalesKey.class)
class ReadKeyTest {

    public static class SalesKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the simulator knows SALESKEY01 as a Sales and Reports key from the test profile (application.properties)
            return Map.of("asc.sync.categories", "COMMERCE", "asc.api.key-id", "SALESKEY01",
                    "asc.api.private-key-path", "classpath:keys/AuthKey_SALESKEY01.p8");
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    @Test
    void aForbiddenCreateExplainsThatAnAdminKeyMustCreateTheRequestAndTheOtherAppsGoOn() {
        RequestLifecycleTest.deleteRequestsOf(RequestLifecycleTest.app(0));
        SyncRun.Summary summary = sync();
        assertFalse(summary.complete());
        assertEquals(1, summary.problems().size(), summary.problems().toString());
        String problem = summary.problems().get(0);
        assertTrue(problem.startsWith("app " + RequestLifecycleTest.app(0) + ": the API key may not create report requests (403): an Admin key must create"),
                problem);
        assertTrue(summary.newSegments() > 0, "the other app was synced");
        assertEquals(1, ((Number) callsByEndpoint().get("analyticsReportRequests_createInstance")).intValue());
    }
}
