package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.SyncHarness.callsByEndpoint;
import static io.github.ascanalyticssync.sync.SyncHarness.catalogue;
import static io.github.ascanalyticssync.sync.SyncHarness.downloads;
import static io.github.ascanalyticssync.sync.SyncHarness.simulator;
import static io.github.ascanalyticssync.sync.SyncHarness.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.spi.CDI;

import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.destination.Layout;
import io.github.ascanalyticssync.destination.Seeding;
import io.github.ascanalyticssync.observe.RunTally;
import io.github.ascanalyticssync.run.SyncRun;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * What changes in a real account over weeks loses nothing: a request Apple stopped is drained before it is replaced,
 * a destination added later receives everything Apple still serves, a destination that fails is skipped without
 * holding the others' segments and manifests, and staged copies do not outlive their use.
 */
@QuarkusTest
@TestProfile(SyncTest.TwoCategories.class)
class AccountChangesTest {

    static final Path ARCHIVE = Path.of("target/test-data/archive");
    private String added;

    @BeforeEach
    void setUp() {
        SyncHarness.freshStart();
        SyncHarness.deleteTree(ARCHIVE);
    }

    @AfterEach
    void removeAddedDestination() throws Exception {
        if (added != null) {
            CamelContext camel = CDI.current().select(CamelContext.class).get();
            camel.getRouteController().stopRoute(added);
            camel.removeRoute(added);
            // and the Kamelet route it created, so that the next test's archive starts afresh
            if (camel.getRoute("archive") != null) {
                camel.getRouteController().stopRoute("archive");
                camel.removeRoute("archive");
            }
            camel.removeEndpoints("kamelet://asc-folder-sink/archive*");
            added = null;
        }
    }

    /** A second folder destination, added the way a user adds one: a templatedRoute in YAML. */
    private void addArchive(String folder) throws Exception {
        String yaml = TestFiles.destinationRoute("archive", "kamelet:asc-folder-sink/archive?path=" + folder);
        CamelContext camel = CDI.current().select(CamelContext.class).get();
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("archive.yaml", yaml));
        added = "deliver-archive";
    }

    private static List<Map<String, Object>> served(String appId) {
        return catalogue(Map.of("appId", appId, "category", "COMMERCE")).getList("segments");
    }

    @Test
    void aStoppedRequestIsDrainedBeforeItIsReplaced() {
        String appId = RequestLifecycleTest.app(0);
        String before = (String) RequestLifecycleTest.liveOngoing(appId).get(0).get("id");
        assertTrue(sync().complete());
        simulator().queryParam("days", 31).post("/simulator/clock/advance").then().statusCode(200);
        List<Map<String, Object>> stillServed = served(appId);
        assertFalse(stillServed.isEmpty(), "the stopped request still serves instances");

        SyncRun.Summary summary = sync();

        assertTrue(summary.complete(), summary.problems().toString());
        // every segment the stopped request served is in the folder: its segments were listed before it was deleted
        // (a deleted request's instances answer 404)
        for (Map<String, Object> s : stillServed) {
            Path file = SyncHarness.segmentFile(s);
            assertTrue(Files.exists(file), "drained: " + file);
            assertEquals(s.get("checksum"), TestFiles.md5(file));
        }
        List<Map<String, Object>> now = RequestLifecycleTest.liveOngoing(appId);
        assertEquals(1, now.size());
        assertFalse(now.get(0).get("id").equals(before), "then a new request replaced the stopped one");
    }

    @Test
    void aDestinationAddedLaterIsFilledFromTheLocalFolderWithoutADownloadOrASegmentListing() throws Exception {
        List<Map<String, Object>> expected = SyncHarness.expected("COMMERCE", "APP_USAGE");
        assertTrue(sync().complete());
        FileTime localWritten = Files.getLastModifiedTime(SyncHarness.segmentFile(expected.get(0)));
        // the simulator's counters from here on: calls and downloads of the second sync
        simulator().delete("/simulator/calls").then().statusCode(200);

        addArchive(ARCHIVE.toAbsolutePath().toString());
        SyncRun.Summary summary = sync();

        assertTrue(summary.complete(), summary.problems() + " " + summary.lacking());
        assertEquals(TestFiles.md5Tree(SyncHarness.REPORTS), TestFiles.md5Tree(ARCHIVE),
                "the archive is byte-identical to the local folder, manifests included");
        assertEquals(expected.size(), SyncHarness.segmentFiles().size());
        assertEquals(localWritten, Files.getLastModifiedTime(SyncHarness.segmentFile(expected.get(0))), "the local folder is not rewritten");
        assertEquals(0, downloads(), "nothing downloaded: every segment came from the local folder's copy");
        assertEquals(0, summary.newSegments());
        assertEquals(expected.size(), summary.copiedSegments(), "the summary counts them as copied to the destination that lacked them");
        assertEquals(List.of(), summary.warnings());
        // the listing it needed: every report's instances once; no segment listing for instances the local folder holds
        Map<String, Object> calls = callsByEndpoint();
        assertEquals(42, ((Number) calls.get("analyticsReports_instances_getToManyRelated")).intValue(), calls.toString());
        assertFalse(calls.containsKey("analyticsReportInstances_segments_getToManyRelated"), calls.toString());
        assertFalse(calls.containsKey("analyticsReportSegments_getInstance"), calls.toString());
        try (var staged = Files.list(SyncHarness.STATE.resolve("staging"))) {
            assertEquals(0, staged.count(), "the staged copies are released once every destination has them");
        }
    }

    @Test
    void aLocalCopyThatDoesNotMatchItsRecordIsNotUsedTheSegmentIsDownloadedAndSaidOnce() throws Exception {
        List<Map<String, Object>> expected = SyncHarness.expected("COMMERCE", "APP_USAGE");
        assertTrue(sync().complete());
        Map<String, Object> tampered = expected.get(expected.size() / 2);
        Path copy = SyncHarness.segmentFile(tampered);
        byte[] bytes = Files.readAllBytes(copy);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(copy, bytes);
        simulator().delete("/simulator/calls").then().statusCode(200);

        addArchive(ARCHIVE.toAbsolutePath().toString());
        SyncRun.Summary summary = sync();

        assertTrue(summary.complete(), summary.problems() + " " + summary.lacking());
        assertEquals(1, downloads(), "only the segment whose copy does not match is downloaded");
        Path delivered = ARCHIVE.resolve(SyncHarness.REPORTS.relativize(copy));
        assertEquals(tampered.get("checksum"), TestFiles.md5(delivered), "the archive has Apple's bytes, not the altered copy");
        for (Map<String, Object> s : expected) {
            Path file = ARCHIVE.resolve(SyncHarness.REPORTS.relativize(SyncHarness.segmentFile(s)));
            assertEquals(s.get("checksum"), TestFiles.md5(file), "byte-identical: " + file);
        }
        List<String> said = summary.warnings().stream().filter(w -> w.contains((String) tampered.get("segmentId"))).toList();
        assertEquals(1, said.size(), summary.warnings().toString());
        assertTrue(said.get(0).contains("does not match its record") && said.get(0).contains("downloaded from App Store Connect instead"), said.get(0));
        assertEquals(1, summary.warnings().size(), summary.warnings().toString());
        // its URL: the one segment's, not a listing of its instance
        Map<String, Object> calls = callsByEndpoint();
        assertFalse(calls.containsKey("analyticsReportInstances_segments_getToManyRelated"), calls.toString());
        assertEquals(1, ((Number) calls.get("analyticsReportSegments_getInstance")).intValue(), calls.toString());
        assertEquals(expected.size(), summary.copiedSegments(), "delivered to the destination that lacked it, the local folder had it");
    }

    @Test
    void aDestinationThatFailsIsSkippedAndTheOthersGetEverySegmentAndManifest() throws Exception {
        List<Map<String, Object>> expected = SyncHarness.expected("COMMERCE", "APP_USAGE");
        Files.createDirectories(ARCHIVE.getParent());
        Files.writeString(ARCHIVE, "a file where the archive folder should be");
        addArchive(ARCHIVE.toAbsolutePath() + "/reports");

        SyncRun.Summary summary = sync();

        assertFalse(summary.complete());
        SyncHarness.assertDeliveredExactly(expected);
        long instances = catalogue(Map.of("category", "COMMERCE")).getInt("instances") + catalogue(Map.of("category", "APP_USAGE")).getInt("instances");
        assertEquals(instances, SyncHarness.files(p -> p.getFileName().toString().equals(Layout.MANIFEST)).size(),
                "the local folder got every manifest too");
        assertEquals(expected.size(), summary.newSegments(), "new: delivered somewhere");
        assertEquals(0, summary.failedSegments(), "every segment was downloaded and verified");
        RunTally.Lacking lacking = summary.lacking().get("archive");
        assertEquals(expected.size(), lacking.segments(), "the archive lacks every segment, and the summary says so");
        assertTrue(lacking.lastError() != null && !lacking.lastError().isBlank(), "with its last error");
        assertEquals(List.of("archive"), List.copyOf(summary.lacking().keySet()), "only the archive lacks anything");
        assertTrue(SyncHarness.metricsText().contains("asc_delivery_failures_total{destination=\"archive\",kind=\"segment\"} 2.0"),
                "two deliveries failed (each after its retries), then the archive was skipped for the rest of the sync");
        // the status view says the same, without reading logs
        io.restassured.path.json.JsonPath status = io.restassured.RestAssured.given().get("/status").then().statusCode(200).extract().jsonPath();
        assertEquals(expected.size(), status.getLong("destinations.archive.lacksSegments"));
        assertEquals(0, status.getLong("destinations.local.lacksSegments"));
        assertTrue(status.getString("destinations.archive.lastError").length() > 0);
        assertFalse(status.getBoolean("lastSync.complete"));
        assertTrue(status.getString("appsRequests." + RequestLifecycleTest.app(0)).startsWith("active "));

        // the archive comes back: it catches up from the staged copies, without a second download
        Files.delete(ARCHIVE);
        long downloaded = downloads();
        SyncRun.Summary second = sync();
        assertTrue(second.complete(), second.problems() + " " + second.lacking());
        assertEquals(downloaded, downloads(), "delivered from the staged copies");
        assertEquals(expected.size(), SyncHarness.files(p -> p.toString().endsWith(".tsv.gz")).size());
    }

    @Test
    void aDestinationAddedLaterIsToldWhatAppleNoLongerServesAndIsSeededFromAnother() throws Exception {
        List<Map<String, Object>> expected = SyncHarness.expected("COMMERCE", "APP_USAGE");
        assertTrue(sync().complete());
        long instances = SyncHarness.files(p -> p.getFileName().toString().equals(Layout.MANIFEST)).size();
        // App Store Connect no longer serves any of it: both apps' requests are gone (their replacements have no data yet)
        RequestLifecycleTest.deleteRequestsOf(RequestLifecycleTest.app(0));
        RequestLifecycleTest.deleteRequestsOf(RequestLifecycleTest.app(1));
        addArchive(ARCHIVE.toAbsolutePath().toString());

        SyncRun.Summary told = sync();

        assertFalse(told.complete());
        assertTrue(told.problems().stream().anyMatch(p -> p.startsWith("destination archive lacks " + instances + " instance(s) that the other"
                + " destinations have and App Store Connect no longer serves") && p.contains("-Dasc.seed.to=archive")), told.problems().toString());

        Seeding.Outcome seeded = CDI.current().select(Seeding.class).get().seed(SyncHarness.REPORTS, "archive");

        assertEquals(expected.size() + instances, seeded.delivered());
        assertEquals(0, seeded.failed());
        for (Map<String, Object> s : expected) {
            Path file = ARCHIVE.resolve(SyncHarness.REPORTS.relativize(SyncHarness.segmentFile(s)));
            assertEquals(s.get("checksum"), TestFiles.md5(file), "seeded byte-identical: " + file);
        }
        SyncRun.Summary after = sync();
        assertTrue(after.complete(), after.problems().toString());
        assertEquals(0, CDI.current().select(Seeding.class).get().seed(SyncHarness.REPORTS, "archive").delivered(), "a second seed finds all there");
    }

    @Test
    void stagedCopiesThatEveryDestinationHasAndPartialDownloadsAreSweptBeforeASync() throws Exception {
        List<Map<String, Object>> expected = SyncHarness.expected("COMMERCE", "APP_USAGE");
        assertTrue(sync().complete());
        Path staging = SyncHarness.STATE.resolve("staging");
        Files.createDirectories(staging);
        // a run killed after the delivery was recorded but before the staged copy was released, and one killed mid-download
        Path leftover = Files.writeString(staging.resolve(expected.get(0).get("segmentId") + ".tsv.gz"), "delivered everywhere");
        Path partial = Files.writeString(staging.resolve(".some-segment.part"), "half a download");
        Path kept = Files.writeString(staging.resolve("not-delivered-anywhere.tsv.gz"), "a segment the destinations lack");

        assertTrue(sync().complete());

        assertFalse(Files.exists(leftover));
        assertFalse(Files.exists(partial));
        assertTrue(Files.exists(kept), "a staged copy that a destination still lacks is kept");
    }
}
