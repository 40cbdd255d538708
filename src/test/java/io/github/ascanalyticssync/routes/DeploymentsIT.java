package io.github.ascanalyticssync.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.TimeUnit;
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
import io.github.ascanalyticssync.destination.Layout;
import io.github.ascanalyticssync.destination.S3TestResource;
import io.github.ascanalyticssync.sync.TestFiles;

/**
 * The deployments as written: each Kubernetes overlay (k8s/overlays/service, cronjob, clustered) and the Camel K
 * Integration (k8s/camel-k) rendered by kustomize, with k8s/secret.example.yaml filled with test values, and its
 * container run from a folder laid out like the image of src/main/docker/Dockerfile.jvm (see {@link ContainerRun}: the
 * container's absolute paths such as /etc/asc/secret and /var/lib/asc live under a scratch root, rewritten there in the
 * environment, the command and the mounted files). The manifests are rendered each run: nothing of them is copied here.
 * <p>
 * Added on top of what the manifests say, through documented settings, because Apple, S3 and the Kubernetes API are not
 * here: the simulator in its own process replaces Apple (ASC_API_BASE_URL, ASC_SYNC_DOWNLOAD_SIMULATOR_STORAGE_URL);
 * the S3 destination the routes ConfigMap mounts (routes/s3.yaml) goes to S3Proxy in this JVM (ASC_S3_OVERRIDE_ENDPOINT,
 * ASC_S3_ENDPOINT, ASC_S3_PATH_STYLE; the keys are the Secret's; the bucket the ConfigMap names is created first, as
 * a user creates it; AWS_REQUEST_CHECKSUM_CALCULATION and AWS_RESPONSE_CHECKSUM_VALIDATION=WHEN_REQUIRED because S3Proxy
 * refuses the AWS SDK's checksum trailers); the HTTP port is a free one (QUARKUS_HTTP_PORT=0, the pod's is 8080); the
 * clustered replicas elect their shard leaders through file locks in a folder both share (ASC_CLUSTER_SERVICE=file,
 * ASC_CLUSTER_LOCK_DIR) instead of Kubernetes Leases, and their PostgreSQL is the tests' (.ci/postgres.sh), named in
 * the Secret's secret.properties.
 */
class DeploymentsIT {

    static final Path K8S = ContainerRun.PROJECT.resolve("k8s");
    static final Path DEMO_KEY = ContainerRun.PROJECT.resolve("src/main/resources/simulator/demo/AuthKey_DEMOKEY001.p8");
    static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:\\s\"]+:(\\d+)");
    static final Pattern LEADS = Pattern.compile("Shard (\\d+): this replica");

    @TempDir
    static Path simulatorWork;

    static boolean startedPostgres;
    static AppProcess.Running simulator;
    static AppProcess.SimulatorUrls simulatorUrls;

    @TempDir
    Path work;

    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    final List<AppProcess.Running> processes = new ArrayList<>();
    S3TestResource s3;
    String s3Endpoint;

    @BeforeAll
    static void simulatorAndPostgres() throws Exception {
        startedPostgres = Postgres.start();
        // a small world: three apps (several shards have work), two reports each, published up to a fixed day
        simulator = AppProcess.start(List.of("-Xmx256m"), Map.of("asc.sync.enabled", "false", "asc.simulator.enabled", "true",
                "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0", "asc.simulator.data.apps", "3", "asc.simulator.data.reports", "2",
                "asc.simulator.data.today", "2026-03-06", "asc.simulator.rate-limit.per-hour", "1000000", "quarkus.http.port", "0"), simulatorWork);
        simulatorUrls = AppProcess.awaitSimulator(simulator, 120);
    }

    @AfterAll
    static void stopSimulatorAndPostgres() throws Exception {
        if (simulator != null) {
            simulator.process().destroy();
            simulator.process().waitFor(30, TimeUnit.SECONDS);
        }
        if (startedPostgres) {
            Postgres.stop();
        }
    }

    @BeforeEach
    void s3() {
        s3 = new S3TestResource();
        s3Endpoint = s3.start().get("camel.kamelet.aws-s3-sink.uriEndpointOverride");
    }

    @AfterEach
    void stop() throws Exception {
        for (AppProcess.Running p : processes) {
            p.process().destroyForcibly().waitFor();
        }
        s3.stop();
    }

    // ------------------------------------------------------------------------------------------------------------

    @Test
    void theCronJobRunsOneSyncAndExitsZeroWithEverythingDelivered() throws Exception {
        List<Map<String, Object>> docs = rendered("overlays/cronjob");
        ContainerRun.Container container = ContainerRun.container(docs, ContainerRun.only(docs, "CronJob"));
        Pod pod = start(container, "asc-analytics-sync-29170217-x7k2p", Map.of());
        withLogsOnFailure(() -> {
            assertTrue(pod.process().process().waitFor(240, TimeUnit.SECONDS), "the run ends:\n" + pod.process().output());
            assertEquals(0, pod.process().process().exitValue(), pod.process().output());
            assertDelivered(pod);
        });
    }

    /**
     * The CronJob on the Java 25 image (Dockerfile.jvm25, a Temurin 25 JRE): run by the Temurin 25 JDK of the project's
     * machines (/usr/lib/jvm/temurin-25-*), or the one JAVA25_HOME names.
     */
    @Test
    void theCronJobRunsOnTheJava25Image() throws Exception {
        Path java25 = java25();
        List<Map<String, Object>> docs = rendered("overlays/cronjob");
        ContainerRun.Container container = ContainerRun.container(docs, ContainerRun.only(docs, "CronJob"));
        Pod pod = start("Dockerfile.jvm25", java25, container, "asc-analytics-sync-29170218-j25qx", Map.of());
        withLogsOnFailure(() -> {
            assertTrue(pod.process().process().waitFor(240, TimeUnit.SECONDS), "the run ends:\n" + pod.process().output());
            assertEquals(0, pod.process().process().exitValue(), pod.process().output());
            // the JSON log names the launcher of the process: the entry point's java, found on the PATH
            assertTrue(pod.process().output().contains("\"processName\":\"" + java25.resolve("bin/java") + "\""), "Java 25 ran it");
            assertDelivered(pod);
        });
    }

    static Path java25() throws Exception {
        if (System.getenv("JAVA25_HOME") != null) {
            return Path.of(System.getenv("JAVA25_HOME"));
        }
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            return jvms.filter(p -> p.getFileName().toString().matches("temurin-25.*") && Files.isExecutable(p.resolve("bin/java"))).findFirst()
                    .orElseThrow(() -> new AssertionError("Dockerfile.jvm25 runs on Java 25: no /usr/lib/jvm/temurin-25-*; set JAVA25_HOME"));
        }
    }

    @Test
    void theServiceIsReadyAndReportsAFinishedSync() throws Exception {
        List<Map<String, Object>> docs = rendered("overlays/service");
        ContainerRun.Container container = ContainerRun.container(docs, ContainerRun.only(docs, "Deployment"));
        Pod pod = start(container, "asc-analytics-sync-6d9f7c8b5d-q4w2z", Map.of());
        withLogsOnFailure(() -> assertReadyAfterASync(pod));
    }

    @Test
    void theCamelKIntegrationRunsTheImageWithItsMountsAndEnvironment() throws Exception {
        List<Map<String, Object>> docs = rendered("camel-k");
        ContainerRun.Container container = ContainerRun.camelK(docs, ContainerRun.only(docs, "Integration"));
        Pod pod = start(container, "asc-analytics-sync-7b6c9d5f4-m8n3p", Map.of());
        withLogsOnFailure(() -> assertReadyAfterASync(pod));
    }

    @Test
    void theClusteredReplicasLeadEachShardOnceAndDeliverEachSegmentOnce() throws Exception {
        Postgres.dropTables();
        List<Map<String, Object>> docs = rendered("overlays/clustered");
        Map<String, Object> deployment = ContainerRun.only(docs, "Deployment");
        assertTrue(((Number) KubernetesManifestsTest.at(deployment, "spec", "replicas")).intValue() >= 2, "several replicas");
        ContainerRun.Container container = ContainerRun.container(docs, deployment);
        int shards = Integer.parseInt(container.env().getOrDefault("ASC_CLUSTER_SHARDS", "8"));
        // no Kubernetes API for Leases here: the documented file-lock service, in a folder both replicas share
        Map<String, String> locks = Map.of("ASC_CLUSTER_SERVICE", "file", "ASC_CLUSTER_LOCK_DIR", work.resolve("shared-locks").toString());
        Pod a = start(container, "asc-analytics-sync-clustered-5f8d9c7b6-a1b2c", locks);
        Pod b = start(container, "asc-analytics-sync-clustered-5f8d9c7b6-d3e4f", locks);
        withLogsOnFailure(() -> {
            await("every shard led", Duration.ofSeconds(180), () -> running(a, b) && union(shardsLed(a), shardsLed(b)).size() == shards);
            Set<Integer> both = new TreeSet<>(shardsLed(a));
            both.retainAll(shardsLed(b));
            assertEquals(Set.of(), both, "no shard led by both replicas: a " + shardsLed(a) + ", b " + shardsLed(b));
            assertFalse(shardsLed(a).isEmpty() || shardsLed(b).isEmpty(), "both replicas lead shards: a " + shardsLed(a) + ", b " + shardsLed(b));

            Map<String, JsonNode> expected = expected();
            await("every segment in S3", Duration.ofSeconds(180), () -> running(a, b) && objects(a).size() >= expected.size());
            await("each replica's syncs finished", Duration.ofSeconds(60), () -> !syncing(a) && !syncing(b));
            Map<String, String> objects = objects(a);
            assertEquals(expected.keySet(), objects.keySet());
            expected.forEach((k, s) -> assertEquals(s.get("checksum").asText(), objects.get(k), "S3 object " + k));
            // the local folder is off (ASC_LOCAL_ENABLED=false): each pod's /var/lib/asc is staging only
            for (Pod p : List.of(a, b)) {
                assertEquals(Set.of(), localSegments(p), "no local delivery in " + p.name());
            }
            // the shared ledger: each segment recorded once, for the one destination
            try (Connection c = Postgres.connect(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT messageId FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'asc-delivery'"
                            + " AND messageId NOT LIKE '%:manifest:%'")) {
                Map<String, Integer> perSegment = new HashMap<>();
                while (r.next()) {
                    perSegment.merge(r.getString(1), 1, Integer::sum);
                }
                assertEquals(expected.size(), perSegment.size(), perSegment.keySet().toString());
                assertTrue(perSegment.values().stream().allMatch(n -> n == 1), "each segment once: " + perSegment);
            }
            assertEquals(expected.size(), downloadsNow() - downloadsBefore, "each segment downloaded once by the two replicas together");
        });
    }

    // ------------------------------------------------------------------------------------------------------------

    /** One replica: its root (the container's file system), its process, its container. */
    record Pod(String name, ContainerRun.Root root, AppProcess.Running process, ContainerRun.Container container) {
    }

    /** Downloads the simulator had started before the first replica started (earlier tests share the simulator). */
    int downloadsBefore = -1;

    /** The overlay rendered, and the example Secret filled in as `kubectl apply -f k8s/secret.example.yaml` would add it. */
    List<Map<String, Object>> rendered(String dir) throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>(ContainerRun.kustomize(K8S.resolve(dir)));
        Map<String, String> db = Postgres.settings();
        docs.add(ContainerRun.exampleSecret(DEMO_KEY, Map.of("asc.api.issuer-id", "69a6de70-03db-47e3-e053-5b8c7c11a4d1", "asc.api.key-id",
                "DEMOKEY001", "camel.kamelet.aws-s3-sink.accessKey", S3TestResource.ACCESS_KEY, "camel.kamelet.aws-s3-sink.secretKey",
                S3TestResource.SECRET_KEY, "quarkus.datasource.jdbc.url", db.get("quarkus.datasource.jdbc.url"), "quarkus.datasource.username",
                db.get("quarkus.datasource.username"), "quarkus.datasource.password", db.get("quarkus.datasource.password"))));
        return docs;
    }

    /** Lays out the image and the container's mounts in a root of its own and starts it with the settings on top. */
    Pod start(ContainerRun.Container container, String name, Map<String, String> more) throws Exception {
        return start("Dockerfile.jvm", Path.of(System.getProperty("java.home")), container, name, more);
    }

    /** The same, on the image of another Dockerfile (src/main/docker) with the JVM its base image has. */
    Pod start(String dockerfile, Path javaHome, ContainerRun.Container container, String name, Map<String, String> more) throws Exception {
        ContainerRun.Image image = ContainerRun.image(ContainerRun.PROJECT.resolve("src/main/docker").resolve(dockerfile));
        ContainerRun.Root root = ContainerRun.Root.of(Files.createDirectories(work.resolve(name).resolve("root")), image, container);
        String bucket = setting(container, root, "camel.kamelet.aws-s3-sink.s3.bucketNameOrArn", "ASC_S3_BUCKET");
        if (!S3TestResource.blobs.getBlobStore().containerExists(bucket)) {
            S3TestResource.blobs.getBlobStore().createContainerInLocation(null, bucket);
        }
        if (downloadsBefore < 0) {
            downloadsBefore = downloadsNow();
        }
        Map<String, String> env = new HashMap<>(Map.of("ASC_API_BASE_URL", simulatorUrls.api(), "ASC_SYNC_DOWNLOAD_SIMULATOR_STORAGE_URL",
                simulatorUrls.storage(), "ASC_S3_OVERRIDE_ENDPOINT", "true", "ASC_S3_ENDPOINT", s3Endpoint, "ASC_S3_PATH_STYLE", "true",
                "AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED", "AWS_RESPONSE_CHECKSUM_VALIDATION", "WHEN_REQUIRED", "QUARKUS_HTTP_PORT", "0"));
        env.putAll(more);
        AppProcess.Running running = ContainerRun.start(javaHome, image, container, root, name, env);
        processes.add(running);
        return new Pod(name, root, running, container);
    }

    /** A setting as the container's configuration gives it: its variable, else a mounted .properties file's key. */
    static String setting(ContainerRun.Container container, ContainerRun.Root root, String key, String variable) {
        if (container.env().containsKey(variable)) {
            return container.env().get(variable);
        }
        for (Map<String, byte[]> files : container.mounts().values()) {
            for (var f : files.entrySet()) {
                if (f.getKey().endsWith(".properties")) {
                    String v = ContainerRun.properties(f.getValue()).getProperty(key);
                    if (v != null) {
                        return root.map(v);
                    }
                }
            }
        }
        throw new AssertionError("the container's configuration sets neither " + variable + " nor " + key);
    }

    void assertReadyAfterASync(Pod pod) throws Exception {
        int port = Integer.parseInt(awaitMatch(pod, LISTENING, 180).group(1));
        JsonNode[] ready = new JsonNode[1];
        await("ready, with a finished sync", Duration.ofSeconds(240), () -> {
            running(pod);
            ready[0] = getJson("http://127.0.0.1:" + port + "/q/health/ready");
            return ready[0] != null && ready[0].toString().contains("\"lastSync\"");
        });
        assertEquals("UP", ready[0].get("status").asText(), ready[0].toString());
        String lastSync = ready[0].findValue("lastSync").asText();
        assertTrue(lastSync.contains(": complete"), lastSync);
        assertTrue(pod.process().process().isAlive(), "the service runs on");
        assertDelivered(pod);
    }

    /** Every segment of the simulator's catalogue, in the local folder the configuration names and in S3, byte for byte. */
    void assertDelivered(Pod pod) throws Exception {
        Map<String, JsonNode> expected = expected();
        assertFalse(expected.isEmpty());
        Path local = Path.of(setting(pod.container(), pod.root(), "asc.destinations.local.path", "ASC_LOCAL_PATH"));
        assertTrue(local.startsWith(pod.root().dir()), "the local folder is in the container: " + local);
        assertEquals(expected.keySet(), localSegments(pod));
        for (var e : expected.entrySet()) {
            assertEquals(e.getValue().get("checksum").asText(), TestFiles.md5(local.resolve(e.getKey())), e.getKey());
        }
        Map<String, String> objects = objects(pod);
        assertEquals(expected.keySet(), objects.keySet());
        expected.forEach((k, s) -> assertEquals(s.get("checksum").asText(), objects.get(k), "S3 object " + k));
        String log = pod.process().output();
        assertFalse(log.contains(S3TestResource.SECRET_KEY) || log.contains("PRIVATE KEY"), "no secret in the log");
    }

    /** Layout path of every segment the simulator offers now, with its catalogue entry. */
    Map<String, JsonNode> expected() {
        Map<String, JsonNode> out = new TreeMap<>();
        simulatorGet("/simulator/catalogue").get("segments").forEach(s -> out.put(Layout.segmentFile(Layout.instanceDir(s.get("appId").asText(),
                s.get("accessType").asText(), s.get("reportName").asText(), s.get("granularity").asText(), s.get("processingDate").asText()),
                s.get("segmentId").asText()), s));
        return out;
    }

    Set<String> localSegments(Pod pod) throws Exception {
        Path local = Path.of(setting(pod.container(), pod.root(), "asc.destinations.local.path", "ASC_LOCAL_PATH"));
        if (!Files.exists(local)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.walk(local)) {
            return s.filter(f -> f.toString().endsWith(".tsv.gz")).map(f -> local.relativize(f).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The segments in the bucket the configuration names (after its prefix, if any), with their ETags (MD5). */
    Map<String, String> objects(Pod pod) {
        String bucket = setting(pod.container(), pod.root(), "camel.kamelet.aws-s3-sink.s3.bucketNameOrArn", "ASC_S3_BUCKET");
        String prefix;
        try {
            prefix = setting(pod.container(), pod.root(), "asc.destinations.s3.prefix", "ASC_S3_PREFIX");
        } catch (AssertionError unset) {
            prefix = "";
        }
        Map<String, String> out = new TreeMap<>();
        for (StorageMetadata m : S3TestResource.blobs.getBlobStore().list(bucket, ListContainerOptions.Builder.recursive())) {
            if (m.getName().endsWith(".tsv.gz")) {
                out.put(m.getName().substring(prefix.length()), m.getETag().replace("\"", ""));
            }
        }
        return out;
    }

    /** Segment downloads the simulator has started, all tests together. */
    int downloadsNow() {
        int n = 0;
        for (JsonNode d : simulatorGet("/simulator/downloads").get("downloads")) {
            n += d.get("started").asInt();
        }
        return n;
    }

    JsonNode simulatorGet(String path) {
        JsonNode node = getJson(simulatorUrls.api() + path);
        if (node == null) {
            throw new AssertionError("the simulator did not answer " + path);
        }
        return node;
    }

    JsonNode getJson(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? json.readTree(r.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    static Matcher awaitMatch(Pod pod, Pattern pattern, long seconds) throws InterruptedException {
        Matcher[] found = new Matcher[1];
        await(pattern + " in the log of " + pod.name(), Duration.ofSeconds(seconds), () -> {
            Matcher m = pattern.matcher(pod.process().output());
            if (m.find()) {
                found[0] = m;
                return true;
            }
            if (!pod.process().process().isAlive()) {
                throw new AssertionError(pod.name() + " ended (exit " + pod.process().process().exitValue() + ") before " + pattern + ":\n"
                        + pod.process().output());
            }
            return false;
        });
        return found[0];
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

    /** True while every replica runs; a replica that ended fails the wait at once, with its output. */
    static boolean running(Pod... pods) {
        for (Pod p : pods) {
            if (!p.process().process().isAlive()) {
                throw new AssertionError(p.name() + " ended (exit " + p.process().process().exitValue() + "):\n" + p.process().output());
            }
        }
        return true;
    }

    static Set<Integer> shardsLed(Pod p) {
        Set<Integer> out = new TreeSet<>();
        Matcher m = LEADS.matcher(p.process().output());
        while (m.find()) {
            out.add(Integer.valueOf(m.group(1)));
        }
        return out;
    }

    static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    /** Whether the replica has a shard's sync under way (more syncs started than finished). */
    static boolean syncing(Pod p) {
        String log = p.process().output();
        return log.split("Sync started", -1).length > log.split("Sync finished", -1).length;
    }

    interface Check {
        void run() throws Exception;
    }

    /** A failure shows what each process printed last, and how it was started. */
    void withLogsOnFailure(Check check) throws Exception {
        try {
            check.run();
        } catch (AssertionError | Exception e) {
            for (AppProcess.Running p : processes) {
                List<String> lines = p.output().lines().toList();
                System.out.println("---- " + p.log() + " (last lines)");
                lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
                Path command = p.log().resolveSibling(p.log().getFileName().toString().replace(".log", ".command"));
                if (Files.exists(command)) {
                    System.out.println("---- started as: " + Files.readString(command).replaceAll("(SECRET|PASSWORD)[^,}]*", "$1=***"));
                }
            }
            throw e;
        }
    }
}
