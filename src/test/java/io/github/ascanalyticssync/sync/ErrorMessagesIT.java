package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.ascanalyticssync.AppProcess;

/**
 * What a person sees when the packaged application meets a mistake: one ERROR line naming the setting or file and what
 * to do, no stack trace, exit code 2 for a start-up error (before any route or timer started), 1 for a sync that could
 * not deliver everything.
 */
class ErrorMessagesIT {

    private static final String DEMO_KEY = "classpath:simulator/demo/AuthKey_DEMOKEY001.p8";

    @TempDir
    Path work;

    private AppProcess.Result start(Map<String, String> settings) throws Exception {
        return start(settings, 120);
    }

    private AppProcess.Result start(Map<String, String> settings, long timeoutSeconds) throws Exception {
        return AppProcess.runIn(work, settings, timeoutSeconds);
    }

    private static Map<String, String> withKey(String... more) {
        Map<String, String> m = new HashMap<>(Map.of("asc.api.issuer-id", AppProcess.DEMO_ISSUER, "asc.api.key-id", "DEMOKEY001",
                "asc.api.private-key-path", DEMO_KEY));
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    @Test
    void aMissingKeyFileIsOneLine() throws Exception {
        start(withKey("asc.api.private-key-path", work.resolve("AuthKey_NONE.p8").toString()))
                .assertStoppedAtStartWith("asc.api.private-key-path names " + work.resolve("AuthKey_NONE.p8") + ", which does not exist");
    }

    @Test
    void aKeyOnTheWrongCurveIsOneLine() throws Exception {
        Path p384 = Path.of("src/test/resources/keys/AuthKey_P384KEY001.p8").toAbsolutePath();
        AppProcess.Result result = start(withKey("asc.api.private-key-path", p384.toString()));
        result.assertStoppedAtStartWith("asc.api.private-key-path");
        assertFalse(result.output().contains(Files.readAllLines(p384).get(1)), "the key never reaches the log");
    }

    @Test
    void aBaseUrlWithASpaceNamesTheSetting() throws Exception {
        start(withKey("asc.api.base-url", "https://api.apple connect.com")).assertStoppedAtStartWith("asc.api.base-url is not a URL");
    }

    @Test
    void aStateFolderThatIsAFileNamesTheSetting() throws Exception {
        Path file = Files.writeString(work.resolve("not-a-folder"), "x");
        start(withKey("asc.state.dir", file.toString())).assertStoppedAtStartWith("asc.state.dir names " + file + ", which is a file, not a folder");
    }

    @Test
    void aTypoInASettingIsRefusedWithTheClosestKey() throws Exception {
        start(withKey("asc.sync.mod", "one-shot"))
                .assertStoppedAtStartWith("Unknown setting asc.sync.mod (from system property); did you mean asc.sync.mode?");
    }

    @Test
    void aTypoInTheConfigurationFileIsRefusedAndADestinationsOwnKeyIsNot() throws Exception {
        Files.createDirectories(work.resolve("config"));
        Files.writeString(work.resolve("config/application.properties"), "asc.destinations.archive.prefix=archive/\nasc.sync.api-retrys=2\n");
        AppProcess.Result result = start(withKey());
        result.assertStoppedAtStartWith("Unknown setting asc.sync.api-retrys (from ");
        assertTrue(result.output().contains("did you mean asc.sync.api-retries?"), result.output());
    }

    @Test
    void randomBytesInTheLedgerNameTheFile() throws Exception {
        Path ledger = work.resolve("state/delivery-ledger.txt");
        Files.createDirectories(ledger.getParent());
        byte[] junk = new byte[400];
        new Random(13).nextBytes(junk);
        Files.write(ledger, junk);
        AppProcess.Result result = start(withKey());
        result.assertStoppedAtStartWith("The ledger file " + ledger + " cannot be read");
        assertTrue(result.output().contains("restore it from a backup, or delete it (the next sync then re-delivers everything)"), result.output());
    }

    @Test
    void aBrokenStateFileNamesTheFile() throws Exception {
        Path state = work.resolve("state/state.properties");
        Files.createDirectories(state.getParent());
        Files.writeString(state, "watermark/1/r/DAILY=\\u00zz\n");
        start(withKey()).assertStoppedAtStartWith("The state file " + state + " cannot be read");
    }

    @Test
    void aClosedPortIsConnectionRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> properties = AppProcess.settingsIn(work, withKey("asc.api.base-url", "http://127.0.0.1:" + port, "asc.sync.mode", "one-shot",
                "asc.sync.retry-delay-ms", "10"));
        AppProcess.Running running = AppProcess.start(List.of("-Xmx256m"), properties, work);
        try {
            AppProcess.awaitOutput(running, "cannot connect to", 120);
            Thread.sleep(1000); // a few retries more
        } finally {
            running.process().destroy();
            running.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            running.process().destroyForcibly().waitFor();
        }
        String out = running.output();
        assertTrue(out.contains("cannot connect to 127.0.0.1:" + port + " (connection refused"), out);
        assertFalse(out.contains("ConnectException: null"), out);
        assertFalse(out.contains("Message History"), "a retry is one line:\n" + out);
        // in the sync's words, not Camel's "Failed delivery for (MessageId: ...)"
        assertTrue(out.lines().anyMatch(l -> l.contains(" WARN ") && l.contains("App Store Connect: GET /v1/apps answered 0 IO_ERROR: cannot connect to")
                && l.endsWith("; trying again (retry 1 of 5)")), out);
        assertFalse(out.contains("Failed delivery for") || out.contains("MessageId"), out);
        assertFalse(out.lines().anyMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + out);
    }

    /** A state folder on a full disk (a 1 MiB tmpfs): one line naming it, no download retried, nothing blamed on the network. */
    @Test
    void aFullDiskIsSaidOnce() throws Exception {
        Path disk = Files.createDirectories(work.resolve("disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString()).redirectErrorStream(true).start();
        Assumptions.assumeTrue(mount.waitFor() == 0, "mount -t tmpfs is not allowed here");
        try {
            Files.write(disk.resolve("filler"), new byte[1000 * 1024]);
            int api;
            int storage;
            try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
                api = a.getLocalPort();
                storage = b.getLocalPort();
            }
            AppProcess.Result result = start(Map.of("quarkus.profile", "dev", "asc.simulator.api-port", String.valueOf(api),
                    "asc.simulator.storage-port", String.valueOf(storage), "asc.sync.mode", "one-shot", "asc.state.dir",
                    disk.resolve("state").toString(), "asc.sync.retry-delay-ms", "10", "asc.sync.app-ids", "9898727089"), 600);
            String out = result.output();
            assertEquals(1, result.exitCode(), out);
            List<String> full = out.lines().filter(l -> l.contains(" ERROR ") && l.contains("No space left on device in " + disk.resolve("state"))).toList();
            assertEquals(1, full.size(), out);
            assertTrue(full.get(0).contains("(asc.state.dir): free space there"), out);
            assertFalse(out.contains("broke after") || out.contains("Cannot store file") || out.contains("could not be reached"), out);
            assertFalse(out.contains("SegmentDownloadException"), "a full disk is not a download to retry:\n" + out);
            assertTrue(out.lines().filter(l -> l.contains(" ERROR ")).count() <= 2, "one line for the disk (and at most one more):\n" + out);
        } finally {
            new ProcessBuilder("umount", disk.toString()).start().waitFor();
        }
    }
}
