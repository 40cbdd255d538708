package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.assertDeliveredExactly;
import static io.github.ascanalyticssync.sync.SyncHarness.callsByEndpoint;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.downloads;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.destination.Layout;
import io.github.ascanalyticssync.run.SyncRun;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The sync against the simulator: complete, byte-identical, never twice, and recovering from every fault. */
@QuarkusTest
@TestProfile(SyncTest.TwoCategories.class)
class SyncTest {

    /**
     * Two categories (21 reports per app) keep each sync to a few seconds. One report at a time: the injected faults
     * count calls ("every 5th"), so each test knows which exchange meets which fault. Parallel walks are tested by
     * IncrementalSyncTest, RateBudgetTest and DestinationsTest.
     */
    public static class TwoCategories implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.sync.categories", "COMMERCE,APP_USAGE", "asc.sync.parallel-reports", "1");
        }
    }

    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
    }

    /** The segments the simulator offers in the selected categories. */
    private static List<Map<String, Object>> expected() {
        return SyncHarness.expected("COMMERCE", "APP_USAGE");
    }

    private int expectedInstances() {
        return catalogue(Map.of("category", "COMMERCE")).getInt("instances") + catalogue(Map.of("category", "APP_USAGE")).getInt("instances");
    }

    private List<Path> manifests() {
        return SyncHarness.files(p -> p.getFileName().toString().equals(Layout.MANIFEST));
    }

    @Test
    void aFirstSyncDeliversEverySelectedSegmentByteIdenticalWithManifests() throws Exception {
        List<Map<String, Object>> expected = expected();
        SyncRun.Summary summary = sync();
        assertTrue(summary.complete(), summary.problems().toString());
        assertEquals(expected.size(), summary.newSegments());
        assertDeliveredExactly(expected);

        int instances = expectedInstances();
        assertEquals(instances, summary.instancesCompleted());
        assertEquals(instances, manifests().size(), "one manifest per instance");

        Map<String, List<Map<String, Object>>> byInstance = new HashMap<>();
        expected.forEach(s -> byInstance.computeIfAbsent(String.valueOf(s.get("instanceId")), k -> new ArrayList<>()).add(s));
        assertTrue(byInstance.values().stream().anyMatch(l -> l.size() > 1), "the dataset has multi-segment instances");
        int checked = 0;
        for (Path manifestFile : manifests()) {
            JsonNode manifest = json.readTree(manifestFile.toFile());
            List<Map<String, Object>> segments = byInstance.getOrDefault(manifest.get("instanceId").asText(), List.of());
            assertEquals(segments.size(), manifest.get("segments").size(), manifestFile.toString());
            assertEquals("ONGOING", manifest.get("accessType").asText());
            assertTrue(manifest.get("restatement").asText().contains("latest processingDate"));
            TreeSet<String> instanceDates = new TreeSet<>();
            for (JsonNode s : manifest.get("segments")) {
                Map<String, Object> c = segments.stream().filter(x -> x.get("segmentId").equals(s.get("segmentId").asText())).findFirst().orElseThrow();
                assertEquals(c.get("checksum"), s.get("checksum").asText());
                assertEquals(((Number) c.get("sizeInBytes")).longValue(), s.get("sizeInBytes").asLong());
                assertEquals(((Number) c.get("rows")).longValue(), s.get("rows").asLong());
                assertEquals(c.get("reportName"), manifest.get("reportName").asText());
                assertEquals(c.get("granularity"), manifest.get("granularity").asText());
                assertEquals(c.get("processingDate"), manifest.get("processingDate").asText());
                TreeSet<String> dates = datesIn(manifestFile.resolveSibling(s.get("file").asText()));
                instanceDates.addAll(dates);
                if (dates.isEmpty()) {
                    assertTrue(s.get("firstDate").isNull());
                } else {
                    assertEquals(dates.first(), s.get("firstDate").asText());
                    assertEquals(dates.last(), s.get("lastDate").asText());
                }
                checked++;
            }
            // the instance's Date range, what a consumer needs to replace the rows of earlier processing dates
            assertEquals(instanceDates.isEmpty() ? null : instanceDates.first(), manifest.get("firstDate").textValue(), manifestFile.toString());
            assertEquals(instanceDates.isEmpty() ? null : instanceDates.last(), manifest.get("lastDate").textValue());
        }
        assertEquals(expected.size(), checked, "every segment is described by its manifest");
    }

    private static TreeSet<String> datesIn(Path gz) throws Exception {
        TreeSet<String> dates = new TreeSet<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz))))) {
            int column = List.of(r.readLine().split("\t")).indexOf("Date");
            r.lines().forEach(l -> dates.add(l.split("\t")[column]));
        }
        return dates;
    }

    @Test
    void aSecondSyncDownloadsNothingAndMakesOnlyListingCalls() {
        simulator().delete("/simulator/calls").then().statusCode(200);
        SyncRun.Summary first = sync();
        Map<String, Object> firstCalls = callsByEndpoint();
        int instances = expectedInstances();
        int reports = 2 * 21;
        // the minimum: apps (1 page), each app's requests and reports (1 page each), each report's instances
        // (1 page), and one segments call per instance
        assertEquals(Map.of("apps_getCollection", 1, "apps_analyticsReportRequests_getToManyRelated", 2,
                "analyticsReportRequests_reports_getToManyRelated", 2, "analyticsReports_instances_getToManyRelated", reports,
                "analyticsReportInstances_segments_getToManyRelated", instances), firstCalls);
        assertEquals(first.apiCalls().values().stream().mapToLong(Long::longValue).sum(), 1 + 2 + 2 + reports + instances);

        long downloaded = downloads();
        simulator().delete("/simulator/calls").then().statusCode(200);
        SyncRun.Summary second = sync();
        assertTrue(second.complete());
        assertEquals(0, second.newSegments());
        assertEquals(instances, second.instancesAlreadyComplete());
        assertEquals(0, downloads(), "nothing downloaded again");
        assertEquals(Map.of("apps_getCollection", 1, "apps_analyticsReportRequests_getToManyRelated", 2,
                "analyticsReportRequests_reports_getToManyRelated", 2, "analyticsReports_instances_getToManyRelated", reports), callsByEndpoint(),
                "only listing calls, no segments call");
        assertTrue(downloaded >= first.newSegments());
    }

    @Test
    void apiFaultsAndA401AreRetriedAndNothingIsLost() {
        simulator().body(Map.of("serverError", Map.of("every", 5, "limit", 6), "unavailable", Map.of("every", 13, "limit", 3),
                "rateLimitBurst", Map.of("every", 7, "limit", 4), "malformedJson", Map.of("every", 11, "limit", 3),
                "notAuthorized", Map.of("every", 9, "limit", 3))).put("/simulator/faults").then().statusCode(200);
        SyncRun.Summary summary = sync();
        assertTrue(summary.complete(), summary.problems().toString());
        assertDeliveredExactly(expected());
        Map<String, Object> faults = simulator().get("/simulator/faults").then().extract().jsonPath().getMap("");
        for (String kind : List.of("serverError", "unavailable", "rateLimitBurst", "malformedJson", "notAuthorized")) {
            assertTrue(((Number) ((Map<?, ?>) faults.get(kind)).get("injected")).intValue() > 0, kind + " was injected");
        }
    }

    // Plain tests rather than one @ParameterizedTest: kafka-test-common-runtime registers a JUnit extension that
    // claims every test template on the classpath.
    @Test
    void aCorruptedDownloadIsRetried() {
        downloadFaultIsRetried("corrupt");
    }

    @Test
    void aTruncatedDownloadIsRetried() {
        downloadFaultIsRetried("truncate");
    }

    @Test
    void aResetDownloadIsRetried() {
        downloadFaultIsRetried("reset");
    }

    @Test
    void anExpiredUrlIsReplacedAndRetried() {
        downloadFaultIsRetried("expire");
    }

    private void downloadFaultIsRetried(String fault) {
        simulator().body(Map.of(fault, Map.of("every", 3, "limit", 3))).put("/simulator/faults").then().statusCode(200);
        SyncRun.Summary summary = sync();
        assertTrue(summary.complete(), summary.problems().toString());
        assertDeliveredExactly(expected());
        assertEquals(3, ((Number) ((Map<?, ?>) simulator().get("/simulator/faults").then().extract().jsonPath().getMap(fault)).get("injected")).intValue());
        Object refreshed = callsByEndpoint().get("analyticsReportSegments_getInstance");
        if (fault.equals("expire")) {
            assertEquals(3, ((Number) refreshed).intValue(), "each expired URL was replaced through GET /v1/analyticsReportSegments/{id}");
        } else {
            assertEquals(null, refreshed, "a URL that did not expire is reused");
        }
    }

    @Test
    void aSegmentMissingSomewhereWhoseStagedCopyIsGoneIsDownloadedAgain() throws Exception {
        List<Map<String, Object>> expected = expected();
        List<Map<String, Object>> last = SyncHarness.walkedLast(expected);
        List<Path> blockers = SyncHarness.blockInstanceFoldersOf(last);
        assertFalse(sync().complete());
        long blocked = last.size();
        long downloadedFirst = downloads();
        SyncHarness.unblock(blockers);
        SyncHarness.deleteTree(SyncHarness.STATE.resolve("staging"));
        SyncRun.Summary second = sync();
        assertTrue(second.complete(), second.problems().toString());
        assertDeliveredExactly(expected);
        assertEquals(downloadedFirst + blocked, downloads(), "only the segments still missing were downloaded again");
    }

    @Test
    void aSegmentThatNeverVerifiesIsReportedAndDeliveredOnTheNextSync() {
        // 1 try + 3 retries, all corrupted: the first segment fails for this sync
        simulator().body(Map.of("corrupt", Map.of("every", 1, "limit", 4))).put("/simulator/faults").then().statusCode(200);
        List<Map<String, Object>> expected = expected();
        SyncRun.Summary first = sync();
        assertFalse(first.complete());
        assertEquals(1, first.failedSegments());
        assertEquals(expected.size() - 1, SyncHarness.segmentFiles().size());
        assertEquals(List.of(), SyncHarness.leftovers());
        SyncRun.Summary second = sync();
        assertTrue(second.complete(), second.problems().toString());
        assertEquals(1, second.newSegments());
        assertDeliveredExactly(expected);
    }

    @Test
    void aFailedDeliveryLeavesNoPartialFileAndIsDeliveredNextTimeWithoutASecondDownload() throws Exception {
        List<Map<String, Object>> expected = expected();
        // the instances walked last (newest, of one app): after two failed deliveries in a row the folder is skipped for the rest of the sync
        List<Map<String, Object>> last = SyncHarness.walkedLast(expected);
        List<Path> blockers = SyncHarness.blockInstanceFoldersOf(last);
        SyncRun.Summary first = sync();
        assertFalse(first.complete());
        long blocked = last.size();
        assertEquals(0, first.failedSegments(), "every segment that was downloaded verified");
        assertEquals(2, first.lacking().get("local").segments(), "two deliveries failed, the rest waited: " + first.lacking());
        assertTrue(first.lacking().get("local").manifests() > 0);
        assertEquals(List.of(), SyncHarness.leftovers());
        Set<String> delivered = new HashSet<>();
        SyncHarness.segmentFiles().forEach(p -> delivered.add(p.getFileName().toString()));
        assertEquals(expected.size() - blocked, delivered.size(), "the other app was delivered");
        long downloadedFirst = downloads();

        SyncHarness.unblock(blockers);
        SyncRun.Summary second = sync();
        assertTrue(second.complete(), second.problems().toString());
        assertDeliveredExactly(expected);
        assertEquals(expected.size(), downloads(), "each segment downloaded once: the staged copies of the failed deliveries were delivered");
        assertTrue(downloadedFirst < expected.size());
    }
}
