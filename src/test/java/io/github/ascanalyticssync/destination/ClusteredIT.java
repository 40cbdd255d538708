package io.github.ascanalyticssync.destination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.Postgres;
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
    static final Pattern LEADS = Pattern.compile("Shard (\\d+): this replica");

    static boolean startedPostgres;

    @TempDir
    Path work;

    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    final List<AppProcess.Running> processes = new ArrayList<>();
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
        for (AppProcess.Running p : processes) {
            // wait for the exit: nothing of this test runs on into the next
            p.process().destroyForcibly().waitFor();
        }
        s3.stop();
    }

    private AppProcess.Running simulator() throws Exception {
        AppProcess.Running sim = AppProcess.start(List.of("-Xmx384m"), Map.of("asc.sync.enabled", "false", "asc.simulator.enabled", "true",
                "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0",
                "asc.simulator.data.apps", "6", "asc.simulator.data.today", "2026-03-06", "asc.simulator.rate-limit.per-hour", "1000000",
                // slow enough that a replica can be stopped in the middle of its sync
                "asc.simulator.faults.latency-fixed-ms", "40", "quarkus.http.port", "0"), work.resolve("simulator"));
        processes.add(sim);
        simulatorUrls = AppProcess.awaitSimulator(sim, 60);
        await("the simulator", Duration.ofSeconds(60), () -> get("/simulator") != null);
        return sim;
    }

    private AppProcess.Running replica(String name) throws Exception {
        Map<String, String> p = new HashMap<>(s3Settings);
        p.put("asc.api.base-url", simulatorUrls.api());
        p.put("asc.sync.download.simulator-storage-url", simulatorUrls.storage());
        p.put("asc.api.issuer-id", "69a6de70-03db-47e3-e053-5b8c7c11a4d1");
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
        AppProcess.Running r = AppProcess.start(List.of("-Xmx384m"), p, work.resolve(name));
        processes.add(r);
        return r;
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(simulatorUrls.api() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? json.readTree(r.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    static void await(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
        Instant end = Instant.now().plus(limit);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("Not within " + limit + ": " + what);
            }
            Thread.sleep(200);
        }
    }

    /** Whether the replica has a shard's sync under way (more syncs started than finished). */
    static boolean syncing(AppProcess.Running r) {
        String log = r.output();
        return log.split("Sync started", -1).length > log.split("Sync finished", -1).length;
    }

    static Set<Integer> shardsLed(AppProcess.Running r) {
        Set<Integer> out = new TreeSet<>();
        Matcher m = LEADS.matcher(r.output());
        while (m.find()) {
            out.add(Integer.valueOf(m.group(1)));
        }
        return out;
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
        Map<String, String> out = new TreeMap<>();
        for (StorageMetadata m : S3TestResource.blobs.getBlobStore().list("asc-reports", ListContainerOptions.Builder.recursive())) {
            if (m.getName().endsWith(".tsv.gz")) {
                out.put(m.getName().substring("analytics/".length()), m.getETag().replace("\"", ""));
            }
        }
        return out;
    }

    /** Kills (or stops) the replica that leads a shard while it syncs, and checks the outcome. */
    private void takeOverFromAReplicaThatIs(boolean killed) throws Exception {
        simulator();
        JsonNode catalogue = get("/simulator/catalogue?category=COMMERCE");
        Map<String, JsonNode> expected = new TreeMap<>();
        catalogue.get("segments").forEach(s -> expected.put(Layout.segmentFile(Layout.instanceDir(s.get("appId").asText(),
                s.get("accessType").asText(), s.get("reportName").asText(), s.get("granularity").asText(), s.get("processingDate").asText()),
                s.get("segmentId").asText()), s));
        assertTrue(expected.size() > 300, "a few hundred segments: " + expected.size());

        AppProcess.Running a = replica("replica-a");
        AppProcess.Running b = replica("replica-b");
        await("both replicas lead shards", Duration.ofSeconds(90), () -> shardsLed(a).size() + shardsLed(b).size() == SHARDS);
        assertTrue(!shardsLed(a).isEmpty() && !shardsLed(b).isEmpty(), "shards spread over the replicas: a " + shardsLed(a) + ", b " + shardsLed(b));

        // stop the leader of a shard in the middle of its sync
        await("a sync under way", Duration.ofSeconds(120), () -> {
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
        await("the survivor takes over " + orphaned, Duration.ofSeconds(30), () -> shardsLed(survivor).containsAll(orphaned));
        Duration takeover = Duration.between(stoppedAt, Instant.now());

        await("everything delivered", Duration.ofSeconds(240), () -> {
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
        Map<String, Long> deliveredEverywhere = new HashMap<>();
        try (Connection c = Postgres.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT messageId, createdAt FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'asc-delivery'"
                        + " AND messageId NOT LIKE '%:manifest:%'")) {
            Map<String, Integer> perSegment = new HashMap<>();
            while (r.next()) {
                String segment = r.getString(1).substring(r.getString(1).indexOf(':') + 1);
                perSegment.merge(segment, 1, Integer::sum);
                deliveredEverywhere.merge(segment, r.getTimestamp(2).getTime(), Math::max);
            }
            assertEquals(expected.size(), perSegment.size());
            assertTrue(perSegment.values().stream().allMatch(n -> n == 2), "local and s3, once each");
        }
        int again = 0;
        for (JsonNode d : get("/simulator/downloads").get("downloads")) {
            Long everywhere = deliveredEverywhere.get(d.get("segmentId").asText());
            assertTrue(everywhere != null && d.get("lastStartedAt").asLong() <= everywhere,
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
        withLogsOnFailure(() -> takeOverFromAReplicaThatIs(true));
    }

    @Test
    void aStoppedLeaderHandsOverCleanly() throws Exception {
        withLogsOnFailure(() -> takeOverFromAReplicaThatIs(false));
    }

    interface Scenario {
        void run() throws Exception;
    }

    /** A failure shows what each process printed last. */
    private void withLogsOnFailure(Scenario scenario) throws Exception {
        try {
            scenario.run();
        } catch (AssertionError | Exception e) {
            for (AppProcess.Running p : processes) {
                if (p.process().isAlive() && System.getenv("ASC_IT_JSTACK") != null) {
                    Process j = new ProcessBuilder("jstack", Long.toString(p.process().pid())).redirectErrorStream(true).start();
                    System.out.println("---- jstack " + p.log() + "\n" + new String(j.getInputStream().readAllBytes()));
                }
                List<String> lines = p.output().lines().toList();
                System.out.println("---- " + p.log() + " (last lines)");
                lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.out::println);
            }
            throw e;
        }
    }
}
