package io.github.ascanalyticssync.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.simulator.Simulator;
import io.github.ascanalyticssync.sync.TestFiles;

/**
 * The packaged application in one-shot mode, configured by environment variables, with a second folder destination
 * added after the local folder was filled: killed (SIGKILL) in the middle of the fill from the local folder's copies,
 * then run again. Every segment and manifest is in both folders once and byte-identical, the delivery ledger has no
 * line twice, and App Store Connect served no download and no segment listing for what the local folder holds.
 */
class FillFromCopiesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void aFillFromCopiesKilledMidwayLosesNothingDuplicatesNothingAndDownloadsNothing() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("asc.simulator.api-port", "0");
        settings.put("asc.simulator.storage-port", "0");
        settings.put("asc.simulator.data.apps", "1");
        try (Simulator simulator = Simulator.start(settings)) {
            Path reports = work.resolve("reports");
            Path archive = work.resolve("archive");
            // the installation's own route folder (asc.routes.dir), empty at first
            Files.createDirectories(work.resolve("routes"));
            AppProcess.Result first = AppProcess.run(List.of("-Xmx256m"), Map.of(), env(simulator), work, 600);
            assertEquals(0, first.exitCode(), first.output());
            List<Path> segments = files(reports, ".tsv.gz");
            assertTrue(segments.size() > 100, "enough segments to stop the fill midway: " + segments.size());
            call(simulator, "DELETE", "/simulator/calls");

            // the second folder destination, added the way the README shows: a templatedRoute in a route file
            Files.writeString(work.resolve("routes/archive.yaml"),
                    TestFiles.destinationRoute("archive", "kamelet:asc-folder-sink/archive?path={{asc.destinations.archive.path}}"));
            Map<String, String> withArchive = new HashMap<>(env(simulator));
            withArchive.put("ASC_DESTINATIONS_ARCHIVE_PATH", archive.toString());

            AppProcess.Running killed = AppProcess.start(List.of("-Xmx256m"), Map.of(), withArchive, work);
            int atKill = 0;
            while (killed.process().isAlive() && (atKill = files(archive, ".tsv.gz").size()) < segments.size() / 4) {
                Thread.sleep(5);
            }
            killed.process().destroyForcibly();
            assertTrue(killed.process().waitFor(60, TimeUnit.SECONDS));
            assertTrue(atKill > 0 && atKill < segments.size(), "killed in the middle of the fill: " + atKill + " of " + segments.size()
                    + " segments in the archive\n" + killed.output());
            assertEquals(137, killed.process().exitValue(), "SIGKILL");
            long confirmed = archiveSegments(Files.readAllLines(work.resolve("state/delivery-ledger.txt")));

            AppProcess.Result rerun = AppProcess.run(List.of("-Xmx256m"), Map.of(), withArchive, work, 600);

            assertEquals(0, rerun.exitCode(), rerun.output());
            assertEquals(tree(reports), tree(archive), "every segment and manifest in both folders, byte-identical, and nothing else");
            JsonNode downloads = call(simulator, "GET", "/simulator/downloads").path("downloads");
            long started = 0;
            for (JsonNode d : downloads) {
                started += d.path("started").asLong();
            }
            assertEquals(0, started, "no segment downloaded from App Store Connect: " + downloads);
            JsonNode calls = call(simulator, "GET", "/simulator/calls").path("byEndpoint");
            assertTrue(calls.path("analyticsReportInstances_segments_getToManyRelated").isMissingNode(), "no segment listing: " + calls);
            assertTrue(calls.path("analyticsReportSegments_getInstance").isMissingNode(), "no segment URL asked for: " + calls);
            List<String> ledger = Files.readAllLines(work.resolve("state/delivery-ledger.txt"));
            assertEquals(ledger.size(), ledger.stream().distinct().count(), "no ledger line twice");
            assertEquals(segments.size(), archiveSegments(ledger));
            // the summary: nothing new, and what the archive still lacked after the kill counted as copied
            assertTrue(rerun.output().contains(": 0 new segment(s) (0 B), " + (segments.size() - confirmed) + " copied to destinations that lacked them"),
                    rerun.output());
        }
    }

    /** The archive's segments in the delivery ledger. */
    private static long archiveSegments(List<String> ledger) {
        return ledger.stream().filter(l -> l.startsWith("archive:") && !l.startsWith("archive:manifest:")).count();
    }

    /** How a user configures the one-shot run: environment variables only (the simulator's two URLs included). */
    private Map<String, String> env(Simulator simulator) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_PROFILE", "dev"); // the demo key
        env.put("ASC_SIMULATOR_ENABLED", "false");
        env.put("ASC_API_BASE_URL", simulator.apiBaseUrl());
        env.put("ASC_SYNC_DOWNLOAD_SIMULATOR_STORAGE_URL", simulator.storageBaseUrl());
        env.put("ASC_SYNC_MODE", "one-shot");
        env.put("ASC_STATE_DIR", work.resolve("state").toString());
        env.put("ASC_LOCAL_PATH", work.resolve("reports").toString());
        // the installation's own route folder, read on top of the built-in routes
        env.put("ASC_ROUTES_DIR", work.resolve("routes").toString());
        return env;
    }

    private static JsonNode call(Simulator simulator, String method, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(simulator.apiBaseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static List<Path> files(Path root, String suffix) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
            // a file renamed into place while the folder was walked: walk again
            return files(root, suffix);
        }
    }

    /** Relative path to MD5, for every file under root (temporary files included: there must be none). */
    private static Map<String, String> tree(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), TestFiles.md5(p));
            }
        }
        return out;
    }
}
