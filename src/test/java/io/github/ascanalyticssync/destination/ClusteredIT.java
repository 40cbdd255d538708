package io.github.ascanalyticssync.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.github.ascanalyticssync.AppProcess.await;
import static io.github.ascanalyticssync.ClusterChecks.shardsLed;
import static io.github.ascanalyticssync.ClusterChecks.syncing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.ClusterChecks;
import io.github.ascanalyticssync.Postgres;
import io.github.ascanalyticssync.ProcessGroup;
import io.github.ascanalyticssync.sync.TestFiles;

/**
 * Clustered mode end to end: the simulator in its own process, two replicas of the packaged application sharing
 * PostgreSQL (.ci/postgres.sh) and a lock folder, delivering a few hundred segments to a folder and to S3 (S3Proxy in
 * this JVM). The replica that leads a shard mid-sync is killed (SIGKILL) or stopped (SIGTERM); the other takes its
 * shards over, and in the end every segment is in both destinations exactly once, and none was downloaded again
 * after it had been delivered everywhere.
 */
class ClusteredIT {

    static final int SHARDS = 4;

    static boolean startedPostgres;

    @TempDir
    Path work;

    final ProcessGroup processes = new ProcessGroup();
    S3TestResource s3;
    Map<String, String> s3Settings;
    AppProcess.SimulatorUrls simulatorUrls;
    // replica-a prefers shards 3 and 0, replica-b 1 and 2 (Cluster.prefers: a window at the CRC-32 of the member id)

    @BeforeAll
    static void postgres() throws Exception {
        startedPostgres = Postgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (startedPostgres) {
            Postgres.stop();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Postgres.dropTables();
        s3 = new S3TestResource();
        s3Settings = new HashMap<>(s3.start());
        // the bucket exists before the replicas start (two creating it at once would race)
        S3TestResource.blobs.getBlobStore().createContainerInLocation(null, "asc-reports");
        s3Settings.put("camel.kamelet.aws-s3-sink.autoCreateBucket", "false");
        // the S3 destination added the documented way: its file in the folder of asc.routes.dir
        Files.createDirectories(work.resolve("routes"));
        Files.copy(Path.of("routes/examples/s3.yaml"), work.resolve("routes/s3.yaml"));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        processes.destroyAll();
        s3.stop();
    }

    private AppProcess.Running simulator() throws Exception {
        AppProcess.Running sim = processes.add(ClusterChecks.startSimulator("384m", Map.of("asc.simulator.data.apps", "6",
                // slow enough that a replica can be stopped in the middle of its sync
                "asc.simulator.faults.latency-fixed-ms", "40"), work.resolve("simulator")));
        simulatorUrls = AppProcess.awaitSimulator(sim, 60);
        await("the simulator", 60, () -> get("/simulator") != null);
        return sim;
    }

    private AppProcess.Running replica(String name) throws Exception {
        Map<String, String> p = new HashMap<>(s3Settings);
        p.put("asc.api.base-url", simulatorUrls.api());
        p.put("asc.sync.download.simulator-storage-url", simulatorUrls.storage());
        p.put("asc.api.issuer-id", AppProcess.DEMO_ISSUER);
        p.put("asc.api.key-id", "DEMOKEY001");
        p.put("asc.api.private-key-path", Path.of("src/main/resources/simulator/demo/AuthKey_DEMOKEY001.p8").toAbsolutePath().toString());
        p.put("asc.sync.categories", "COMMERCE");
        p.put("asc.sync.parallel-reports", "2");
        p.putAll(Postgres.settings());
        p.put("asc.state.dir", work.resolve(name + "/state").toString());
        p.put("asc.destinations.local.path", work.resolve("reports").toString());
        p.put("asc.cluster.enabled", "true");
        p.put("asc.cluster.shards", Integer.toString(SHARDS));
        p.put("asc.cluster.member-id", name);
        p.put("asc.cluster.lock-dir", work.resolve("locks").toString());
        p.put("asc.cluster.acquire-lock-interval", "PT1S");
        p.put("asc.cluster.defer-others", "PT4S");
        p.put("asc.routes.dir", work.resolve("routes").toString());
        p.put("quarkus.http.port", "0");
        p.put("aws.requestChecksumCalculation", "WHEN_REQUIRED");
        p.put("aws.responseChecksumValidation", "WHEN_REQUIRED");
        return processes.add(AppProcess.start(List.of("-Xmx384m"), p, work.resolve(name)));
    }

    private JsonNode get(String path) {
        return ClusterChecks.getJson(simulatorUrls.api() + path);
    }

    /** Relative path of every delivered segment file, and of every file of any kind (leftovers included). */
    private Set<String> files(String suffix) throws Exception {
        Path root = work.resolve("reports");
        if (!Files.exists(root)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(f -> root.relativize(f).toString()).filter(f -> f.endsWith(suffix))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private Map<String, String> objects() {
        return S3TestResource.segmentObjects("asc-reports", "analytics/");
    }

    /** Kills (or stops) the replica that leads a shard while it syncs, and checks the outcome. */
    private void takeOverFromAReplicaThatIs(boolean killed) throws Exception {
        simulator();
        JsonNode catalogue = get("/simulator/catalogue?category=COMMERCE");
        Map<String, JsonNode> expected = ClusterChecks.segmentsByPath(catalogue);
        assertTrue(expected.size() > 300, "a few hundred segments: " + expected.size());

        AppProcess.Running a = replica("replica-a");
        AppProcess.Running b = replica("replica-b");
        await("both replicas lead shards", 90, () -> shardsLed(a).size() + shardsLed(b).size() == SHARDS);
        assertTrue(!shardsLed(a).isEmpty() && !shardsLed(b).isEmpty(), "shards spread over the replicas: a " + shardsLed(a) + ", b " + shardsLed(b));

        // stop the leader of a shard in the middle of its sync
        await("a sync under way", 120, () -> {
            try {
                return files(".tsv.gz").size() >= 40 && (syncing(a) || syncing(b));
            } catch (Exception e) {
                return false;
            }
        });
        AppProcess.Running victim = syncing(a) ? a : b;
        AppProcess.Running survivor = victim == a ? b : a;
        Set<Integer> orphaned = shardsLed(victim);
        int deliveredBefore = files(".tsv.gz").size();
        assertTrue(deliveredBefore < expected.size(), "the victim is stopped mid-sync");
        Instant stoppedAt = Instant.now();
        if (killed) {
            victim.process().destroyForcibly();
        } else {
            victim.process().destroy();
        }
        assertTrue(victim.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        await("the survivor takes over " + orphaned, 30, () -> shardsLed(survivor).containsAll(orphaned));
        Duration takeover = Duration.between(stoppedAt, Instant.now());

        await("everything delivered", 240, () -> {
            try {
                return files(".tsv.gz").size() == expected.size() && objects().size() == expected.size()
                        && files("_manifest.json").size() == catalogue.get("instances").asInt();
            } catch (Exception e) {
                return false;
            }
        });
        // every segment exactly once in each destination, byte-identical, nothing partial
        assertEquals(expected.keySet(), files(".tsv.gz"));
        for (var e : expected.entrySet()) {
            Path f = work.resolve("reports").resolve(e.getKey());
            assertEquals(e.getValue().get("checksum").asText(), TestFiles.md5(f), e.getKey());
        }
        Map<String, String> objects = objects();
        assertEquals(expected.keySet(), objects.keySet());
        expected.forEach((k, s) -> assertEquals(s.get("checksum").asText(), objects.get(k), "S3 object " + k));
        assertEquals(Set.of(), files("").stream().filter(f -> Path.of(f).getFileName().toString().startsWith(".")).collect(Collectors.toSet()),
                "no temporary file left");

        // the shared ledger: each destination recorded each segment once; no download after a segment was everywhere
        Map<String, Postgres.Deliveries> perSegment = Postgres.deliveriesPerSegment();
        assertEquals(expected.size(), perSegment.size());
        assertTrue(perSegment.values().stream().allMatch(n -> n.count() == 2), "local and s3, once each");
        int again = 0;
        for (JsonNode d : get("/simulator/downloads").get("downloads")) {
            Postgres.Deliveries everywhere = perSegment.get(d.get("segmentId").asText());
            assertTrue(everywhere != null && d.get("lastStartedAt").asLong() <= everywhere.last().getTime(),
                    "segment " + d.get("segmentId").asText() + " was not downloaded after it was delivered everywhere");
            again += d.get("started").asInt() - 1;
        }
        assertTrue(again <= 4, "at most the downloads in flight when the replica stopped were repeated: " + again);
        String victimLog = victim.output();
        if (!killed) {
            assertTrue(victimLog.contains("Stopping: the sync in flight finishes"), victimLog);
            // Quarkus' own last line (Camel's shutdown summary is below the log level the sync keeps for Camel)
            assertTrue(victimLog.contains("asc-analytics-sync stopped in"), "the application shut down cleanly:\n" + victimLog);
        }
        System.out.printf("ClusteredIT (%s): %d segments, %d delivered before the stop, shards %s taken over in %d ms, %d repeated download(s)%n",
                killed ? "SIGKILL" : "SIGTERM", expected.size(), deliveredBefore, orphaned, takeover.toMillis(), again);
    }

    @Test
    void aKilledLeadersShardsAreTakenOverAndEverythingArrivesExactlyOnce() throws Exception {
        processes.withLogsOnFailure(() -> takeOverFromAReplicaThatIs(true));
    }

    @Test
    void aStoppedLeaderHandsOverCleanly() throws Exception {
        processes.withLogsOnFailure(() -> takeOverFromAReplicaThatIs(false));
    }
}
