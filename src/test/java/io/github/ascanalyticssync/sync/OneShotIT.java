package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.simulator.Simulator;

/**
 * The packaged application in one-shot mode against a simulator beside it (started in this JVM on free ports, the
 * application given its two URLs): a segment of more than 1 GiB goes through a
 * 128 MiB heap (memory does not grow with segment size), the exit code tells whether everything was delivered, and
 * the log never carries a token, a key or a URL signature. A one-shot run opens no HTTP port. It runs in a folder
 * without routes/ (the routes are the application's), and its log is the sync's own lines.
 */
class OneShotIT {

    private static final long ONE_GIB = 1L << 30;

    @TempDir
    Path work;

    /** A one-shot run against a fresh simulator with these settings besides the small dataset below. */
    private AppProcess.Result oneShot(Map<String, String> simulatorSettings) throws Exception {
        Map<String, String> settings = new HashMap<>(simulatorSettings);
        settings.put("asc.simulator.data.apps", "1");
        // a one-shot run opens no HTTP port (nobody scrapes a CronJob): its port, held here, does not stop it
        try (Simulator simulator = Simulator.start(OneShotRun.simulatorSettings(settings)); ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            Map<String, String> p = new HashMap<>(OneShotRun.properties(simulator, work));
            p.put("quarkus.profile", "dev"); // the demo key
            p.put("quarkus.http.port", Integer.toString(taken.getLocalPort()));
            p.put("asc.simulator.enabled", "false");
            return AppProcess.run(List.of("-Xmx128m"), p, work, 600);
        }
    }

    private List<Path> files(String suffix) throws Exception {
        if (!Files.exists(work.resolve("reports"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(work.resolve("reports"))) {
            return s.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    private static void assertNoSecrets(String log) {
        assertFalse(log.contains("X-Amz-Signature"), "no presigned URL signature in the log");
        assertFalse(log.contains("eyJ"), "no token in the log");
        assertFalse(log.contains("PRIVATE KEY"), "no key in the log");
    }

    @Test
    void aSegmentOfMoreThanOneGibGoesThroughA128MibHeapAndTheRunExits0() throws Exception {
        // 16 million App Crashes rows, stored without compression: about 1.03 GiB of gzip
        AppProcess.Result first = oneShot(Map.of("asc.simulator.data.report-rows.r2", "16000000", "asc.simulator.data.compression-level", "0"));
        assertEquals(0, first.exitCode(), first.output());
        assertNoSecrets(first.output());
        List<Path> segments = files(".tsv.gz");
        assertEquals(1, segments.size());
        Path segment = segments.get(0);
        assertTrue(Files.size(segment) > ONE_GIB, "the segment is larger than 1 GiB: " + Files.size(segment));
        JsonNode manifest = new ObjectMapper().readTree(segment.resolveSibling("_manifest.json").toFile());
        JsonNode described = manifest.get("segments").get(0);
        assertEquals(Files.size(segment), described.get("sizeInBytes").asLong());
        assertEquals(described.get("checksum").asText(), TestFiles.md5(segment), "byte-identical to what the API announced");
        assertEquals(16_000_000, described.get("rows").asLong());

        AppProcess.Result again = oneShot(Map.of("asc.simulator.data.report-rows.r2", "16000000", "asc.simulator.data.compression-level", "0"));
        assertEquals(0, again.exitCode(), again.output());
        // the report's instance of the day was seen: nothing can be new, so its instances are not even listed again
        assertTrue(again.output().contains("Sync finished") && again.output().contains(": 0 new segment(s)")
                && again.output().contains("; 1 API call(s) {GET /v1/apps=1}"), again.output());
    }

    @Test
    void aRunThatCannotDeliverEverythingExits1() throws Exception {
        AppProcess.Result result = oneShot(Map.of("asc.simulator.faults.corrupt.every", "1"));
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("Not delivered: segment"), result.output());
        assertEquals(List.of(), files(".tsv.gz"));
        assertNoSecrets(result.output());
        // a log a person reads: each retry one line in the sync's words, none of Camel's own, no configuration
        // summary, no empty "Listening on:" (no HTTP port), and the routes found without a routes/ folder here
        String log = result.output();
        assertFalse(Files.exists(work.resolve("routes")));
        assertTrue(log.lines().anyMatch(l -> l.contains(" WARN ") && l.contains("Download of segment ") && l.contains("; trying again (retry 1 of 3)")), log);
        for (String camel : List.of("Failed delivery for", "MessageId", "Auto-configuration summary", "[MicroProfilePropertiesSource]",
                "Listening on:", "Installed features")) {
            assertFalse(log.contains(camel), camel + " in:\n" + log);
        }
        assertEquals(1, log.lines().filter(l -> l.contains("Routes: the built-in ones")).count(), log);
    }
}
