package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.callsByEndpoint;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import io.github.ascanalyticssync.run.SyncRun;

/** Read-only mode never creates or deletes a request, and says plainly which app has none. */
@QuarkusTest
@TestProfile(ReadOnlyTest.ReadOnly.class)
class ReadOnlyTest {

    public static class ReadOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new ReadKeyTest.SalesKey().getConfigOverrides());
            config.put("asc.sync.read-only", "true");
            return config;
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    @Test
    void readOnlyNeverWritesAndNamesTheAppWithoutARequest() {
        RequestLifecycleTest.deleteRequestsOf(RequestLifecycleTest.app(0));
        simulator().queryParam("days", 31).post("/simulator/clock/advance").then().statusCode(200);
        List<Map<String, Object>> stillServed = SyncHarness.catalogue(Map.of("appId", RequestLifecycleTest.app(1), "category", "COMMERCE"))
                .getList("segments");
        SyncRun.Summary summary = sync();
        assertFalse(summary.complete());
        assertNull(callsByEndpoint().get("analyticsReportRequests_createInstance"));
        assertNull(callsByEndpoint().get("analyticsReportRequests_deleteInstance"));
        assertEquals(2, summary.problems().size(), summary.problems().toString());
        assertTrue(summary.problems().contains("app " + RequestLifecycleTest.app(0)
                + ": it has no ONGOING report request, and asc.sync.read-only=true; an Admin key must create it once"));
        assertTrue(summary.problems().stream().anyMatch(p -> p.startsWith("app " + RequestLifecycleTest.app(1) + ": its ONGOING report request ")
                && p.contains("was stopped for inactivity and is drained") && p.contains("an Admin key replaces it")), summary.problems().toString());
        // the stopped request was drained all the same: what it still serves is delivered, and it is never deleted
        assertFalse(stillServed.isEmpty());
        for (Map<String, Object> s : stillServed) {
            assertEquals(s.get("checksum"), TestFiles.md5(SyncHarness.segmentFile(s)), "drained: " + s.get("segmentId"));
        }
    }
}
