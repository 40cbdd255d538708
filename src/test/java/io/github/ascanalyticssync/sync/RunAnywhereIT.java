package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.ascanalyticssync.AppProcess;

/**
 * The packaged application started the way a CronJob, a systemd unit or a shell does, from a working directory without
 * routes/: the routes are the application's own. Status mode prints its table alone on standard output; a routes
 * folder that is not there is one line and exit code 2; Ctrl+C stops a dev run's sync before its in-process simulator.
 * (A one-shot delivery with a routes folder of one's own, from such a directory: MountedConfigurationIT.)
 */
class RunAnywhereIT {

    @TempDir
    Path work;

    @Test
    void statusModePrintsTheTableAloneOnStandardOutput() throws Exception {
        statusTableAlone(AppProcess.runApart(List.of("-Xmx256m"), Map.of("asc.sync.mode", "status",
                "asc.state.dir", work.resolve("state").toString()), work, 120));
    }

    @Test
    void statusModeWrittenInCapitalsIsStatusModeForEveryReader() throws Exception {
        // SmallRye's conversion reads STATUS as status; so do the HTTP port, the log's stream and the routes read
        statusTableAlone(AppProcess.runApart(List.of("-Xmx256m"), Map.of("asc.state.dir", work.resolve("state").toString()),
                Map.of("ASC_SYNC_MODE", "STATUS"), work, 120));
    }

    private void statusTableAlone(AppProcess.Streams run) {
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        assertEquals("No sync has finished yet with this state (" + work.resolve("state") + ")", run.stdout().strip(),
                "the table alone (here: nothing synced yet), no log line:\n" + run.stdout());
        // no route was read, and the logs (on standard error) carry neither Camel's configuration nor Quarkus' start lines
        assertFalse(run.stderr().contains("Auto-configuration summary") || run.stderr().contains("[MicroProfilePropertiesSource]")
                || run.stderr().contains("Listening on:") || run.stderr().contains("Routes:"), run.stderr());
    }

    @Test
    void aRoutesFolderThatIsNotThereIsOneLineAndExitCode2() throws Exception {
        Path missing = work.resolve("my-routes");
        AppProcess.Result run = AppProcess.runIn(work, Map.of("asc.routes.dir", missing.toString(), "asc.sync.mode", "one-shot"), 120);
        String sentence = "asc.routes.dir (ASC_ROUTES_DIR) names " + missing + ", which does not exist; give the folder of your route"
                + " files (*.yaml), or unset it to run the built-in routes";
        String error = run.assertStoppedAtStartWith(sentence);
        assertEquals(sentence, error.substring(error.indexOf(") ") + 2), run.output());
        assertFalse(run.output().contains("NoSuchFileException"), run.output());
    }

    @Test
    void ctrlCStopsADevRunsSyncBeforeItsSimulator() throws Exception {
        // the dev quick start, from a folder without routes/: the simulator in this process, slowed down so that the
        // first sync is still running when Ctrl+C comes
        AppProcess.Running dev = AppProcess.start(List.of("-Xmx256m"), Map.of("quarkus.profile", "dev", "quarkus.http.port", "0",
                "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0", "asc.simulator.faults.latency-fixed-ms", "150"), work);
        try {
            AppProcess.awaitOutput(dev, "Sync started", 120);
            new ProcessBuilder("kill", "-INT", Long.toString(dev.process().pid())).inheritIO().start().waitFor();
            assertTrue(dev.process().waitFor(60, TimeUnit.SECONDS), "stopped: " + dev.output());
        } finally {
            dev.process().destroyForcibly().waitFor();
        }
        String out = dev.output();
        assertEquals(130, dev.process().exitValue(), out);
        assertFalse(out.contains("could not be reached") || out.contains(" ERROR "), "the simulator answers until the sync stopped:\n" + out);
        assertTrue(out.contains("Sync stopped (the application was asked to stop) after"), "the summary says the sync stopped, not finished:\n" + out);
        assertFalse(out.contains("Sync finished"), out);
        assertTrue(out.contains("left for the next run: every report and instance this sync did not reach")
                || out.contains("(the application stopped)"), "the summary says what is left without undercounting it:\n" + out);
        assertFalse(out.contains("App Store Connect's quota"), "no quota was used up:\n" + out);
    }
}
