package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.callsByEndpoint;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.destination.Layout;
import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.simulator.SimulatorTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** asc.sync.snapshot=true: each app's ONE_TIME_SNAPSHOT is reused or created within Apple's rule, and delivered. */
@QuarkusTest
@TestProfile(SnapshotTest.WithSnapshots.class)
class SnapshotTest {

    static final String CREATE = "analyticsReportRequests_createInstance";
    static final String SNAPSHOT = "ONE_TIME_SNAPSHOT";

    /** One report, and a snapshot history of a few days, keep the backfill small. */
    public static class WithSnapshots extends SimulatorTestResource.OwnSimulator {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.sync.snapshot", "true", "asc.sync.report-names", "App Crashes");
        }

        @Override
        protected Map<String, String> simulatorSettings() {
            return Map.of("asc.simulator.lifecycle.snapshot-history-start", "2026-02-25");
        }
    }

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    private static String app(int i) {
        return RequestLifecycleTest.app(i);
    }

    private static String token() {
        return simulator().post("/simulator/token").then().statusCode(200).extract().asString();
    }

    /** Creates a snapshot request with the demo Admin key, as a person would in another tool. */
    private static String createSnapshot(String appId) {
        return simulator().header("Authorization", "Bearer " + token())
                .body(Map.of("data", Map.of("type", "analyticsReportRequests", "attributes", Map.of("accessType", SNAPSHOT),
                        "relationships", Map.of("app", Map.of("data", Map.of("type", "apps", "id", appId))))))
                .post("/v1/analyticsReportRequests").then().statusCode(201).extract().jsonPath().getString("data.id");
    }

    private static List<Map<String, Object>> snapshotsOf(String appId) {
        List<Map<String, Object>> all = simulator().get("/simulator/requests").then().statusCode(200).extract().jsonPath().getList("");
        return all.stream().filter(r -> r.get("appId").equals(appId) && r.get("accessType").equals(SNAPSHOT) && !(Boolean) r.get("deleted")).toList();
    }

    private static void advanceDays(int days) {
        simulator().queryParam("days", days).post("/simulator/clock/advance").then().statusCode(200);
        simulator().delete("/simulator/calls").then().statusCode(200);
    }

    private static int creates() {
        Object n = callsByEndpoint().get(CREATE);
        return n == null ? 0 : ((Number) n).intValue();
    }

    /** Every snapshot segment of the app is delivered under access_type=ONE_TIME_SNAPSHOT, with its manifest saying so. */
    private static int assertSnapshotDelivered(String appId) throws Exception {
        List<Map<String, Object>> segments = catalogue(Map.of("appId", appId, "accessType", SNAPSHOT, "report", "App Crashes")).getList("segments");
        for (Map<String, Object> s : segments) {
            Path file = SyncHarness.segmentFile(s);
            assertTrue(file.toString().contains("/access_type=ONE_TIME_SNAPSHOT/"), file.toString());
            assertTrue(Files.exists(file), "delivered: " + file);
            assertEquals(s.get("checksum"), TestFiles.md5(file));
            JsonNode manifest = new ObjectMapper().readTree(file.resolveSibling(Layout.MANIFEST).toFile());
            assertEquals(SNAPSHOT, manifest.get("accessType").asText());
        }
        return segments.size();
    }

    @Test
    void anExistingSnapshotIsReusedAndItsHistoryDeliveredBesideTheOngoingReports() throws Exception {
        String existing = createSnapshot(app(0));
        advanceDays(2);
        SyncRun.Summary first = sync();
        assertTrue(first.complete(), first.problems().toString());
        assertEquals(List.of(existing), snapshotsOf(app(0)).stream().map(r -> r.get("id")).toList(), "app 0's snapshot was reused");
        assertEquals(1, snapshotsOf(app(1)).size(), "app 1 had none: the sync asked for one");
        assertEquals(1, creates());
        assertTrue(assertSnapshotDelivered(app(0)) > 10, "the snapshot's history, several days of it");
        assertEquals(0, assertSnapshotDelivered(app(1)), "Apple publishes a new snapshot a day or two later");
        List<Map<String, Object>> ongoing = catalogue(Map.of("accessType", "ONGOING", "report", "App Crashes")).getList("segments");
        ongoing.forEach(s -> assertTrue(Files.exists(SyncHarness.segmentFile(s)), "ongoing delivered too: " + s));

        advanceDays(2);
        SyncRun.Summary later = sync();
        assertTrue(later.complete(), later.problems().toString());
        assertEquals(0, creates(), "both snapshots exist now: reused");
        assertTrue(assertSnapshotDelivered(app(1)) > 10, "app 1's snapshot, once published");
    }

    @Test
    void aSnapshotWithinApplesMonthlyRuleIsRefusedExplainedAndNotAskedForAgainUntilAllowed() throws Exception {
        String deleted = createSnapshot(app(0));
        simulator().header("Authorization", "Bearer " + token()).delete("/v1/analyticsReportRequests/{id}", deleted).then().statusCode(204);
        simulator().delete("/simulator/calls").then().statusCode(200);

        SyncRun.Summary first = sync();
        assertEquals(2, creates(), "app 0's request was refused (409), app 1's created");
        assertEquals(1, first.problems().size(), first.problems().toString());
        String problem = first.problems().get(0);
        assertTrue(problem.startsWith("app " + app(0) + ": ") && problem.contains("409 STATE_ERROR") && problem.contains("every 31 days"), problem);
        assertEquals(0, snapshotsOf(app(0)).size());
        assertTrue(first.newSegments() > 0, "the ONGOING reports were delivered all the same");

        simulator().delete("/simulator/calls").then().statusCode(200);
        SyncRun.Summary second = sync();
        assertNull(callsByEndpoint().get(CREATE), "the refused request is not asked for again within 31 days");
        assertTrue(second.problems().get(0).contains("next can be asked for on 2026-04-06"), second.problems().toString());

        advanceDays(31);
        SyncRun.Summary allowed = sync();
        assertEquals(1, snapshotsOf(app(0)).size(), "31 days on, the snapshot was created: " + allowed.problems());
        assertTrue(allowed.problems().isEmpty(), allowed.problems().toString());
    }
}
