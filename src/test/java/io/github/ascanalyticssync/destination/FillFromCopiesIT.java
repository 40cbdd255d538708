package io.github.ascanalyticssync.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.SimulatorControl;
import io.github.ascanalyticssync.simulator.Simulator;
import io.github.ascanalyticssync.sync.TestFiles;

/**
 * The packaged application in one-shot mode, configured by environment variables, with a second folder destination
 * added after the local folder was filled: killed (SIGKILL) in the middle of the fill from the local folder's copies,
 * then run again. Every segment and manifest is in both folders once and byte-identical, the delivery ledger has no
 * line twice, and App Store Connect served no download and no segment listing for what the local folder holds.
 */
class FillFromCopiesIT {

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
            SimulatorControl control = new SimulatorControl(simulator.apiBaseUrl());
            control.clearCalls();

            // the second folder destination, added the way the README shows: a templatedRoute in a route file
            Files.writeString(work.resolve("routes/archive.yaml"),
                    TestFiles.destinationRoute("archive", "kamelet:asc-folder-sink/archive?path={{asc.destinations.archive.path}}"));
            Map<String, String> withArchive = new HashMap<>(env(simulator));
            withArchive.put("ASC_DESTINATIONS_ARCHIVE_PATH", archive.toString());

            AppProcess.Running killed = AppProcess.start(List.of("-Xmx256m"), Map.of(), withArchive, work);
            AppProcess.await("a quarter of the segments in the archive, or the run ended", 600,
                    () -> !killed.process().isAlive() || files(archive, ".tsv.gz").size() >= segments.size() / 4);
            killed.process().destroyForcibly();
            assertTrue(killed.process().waitFor(60, TimeUnit.SECONDS));
            int atKill = files(archive, ".tsv.gz").size();
            assertTrue(atKill > 0 && atKill < segments.size(), "killed in the middle of the fill: " + atKill + " of " + segments.size()
                    + " segments in the archive\n" + killed.output());
            assertEquals(137, killed.process().exitValue(), "SIGKILL");
            long confirmed = archiveSegments(Files.readAllLines(work.resolve("state/delivery-ledger.txt")));

            AppProcess.Result rerun = AppProcess.run(List.of("-Xmx256m"), Map.of(), withArchive, work, 600);

            assertEquals(0, rerun.exitCode(), rerun.output());
            assertEquals(TestFiles.md5Tree(reports), TestFiles.md5Tree(archive), "every segment and manifest in both folders, byte-identical, and nothing else");
            assertEquals(0, control.downloadsStarted(), "no segment downloaded from App Store Connect: " + control.get("/simulator/downloads"));
            JsonNode calls = control.callsByEndpoint();
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

    private static List<Path> files(Path root, String suffix) {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
        } catch (UncheckedIOException | NoSuchFileException e) {
            // a file renamed into place while the folder was walked: walk again
            return files(root, suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
