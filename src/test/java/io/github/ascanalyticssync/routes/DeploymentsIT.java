package io.github.ascanalyticssync.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.github.ascanalyticssync.AppProcess.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    @TempDir
    static Path simulatorWork;

    static boolean startedPostgres;
    static AppProcess.Running simulator;
    static AppProcess.SimulatorUrls simulatorUrls;

    @TempDir
    Path work;

    final ProcessGroup processes = new ProcessGroup();
    S3TestResource s3;
    String s3Endpoint;

    @BeforeAll
    static void simulatorAndPostgres() throws Exception {
        startedPostgres = Postgres.start();
        // a small world: three apps (several shards have work), two reports each, published up to a fixed day
        simulator = ClusterChecks.startSimulator("256m", Map.of("asc.simulator.data.apps", "3", "asc.simulator.data.reports", "2"), simulatorWork);
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
        processes.destroyAll();
        s3.stop();
    }

    // ------------------------------------------------------------------------------------------------------------

    @Test
    void theCronJobRunsOneSyncAndExitsZeroWithEverythingDelivered() throws Exception {
        assertTheCronJobDelivers("Dockerfile.jvm", Path.of(System.getProperty("java.home")), "asc-analytics-sync-29170217-x7k2p", pod -> {
        });
    }

    /**
     * The CronJob on the Java 25 image (Dockerfile.jvm25, a Temurin 25 JRE): run by the Temurin 25 JDK of the project's
     * machines (/usr/lib/jvm/temurin-25-*), or the one JAVA25_HOME names.
     */
    @Test
    void theCronJobRunsOnTheJava25Image() throws Exception {
        Path java25 = java25();
        assertTheCronJobDelivers("Dockerfile.jvm25", java25, "asc-analytics-sync-29170218-j25qx",
                // the JSON log names the launcher of the process: the entry point's java, found on the PATH
                pod -> assertTrue(pod.process().output().contains("\"processName\":\"" + java25.resolve("bin/java") + "\""), "Java 25 ran it"));
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
        assertTheServiceRuns("overlays/service", "Deployment", ContainerRun::container, "asc-analytics-sync-6d9f7c8b5d-q4w2z");
    }

    @Test
    void theCamelKIntegrationRunsTheImageWithItsMountsAndEnvironment() throws Exception {
        assertTheServiceRuns("camel-k", "Integration", ContainerRun::camelK, "asc-analytics-sync-7b6c9d5f4-m8n3p");
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
        processes.withLogsOnFailure(() -> {
            await("every shard led", 180, () -> running(a, b) && union(shardsLed(a), shardsLed(b)).size() == shards);
            Set<Integer> both = new TreeSet<>(shardsLed(a));
            both.retainAll(shardsLed(b));
            assertEquals(Set.of(), both, "no shard led by both replicas: a " + shardsLed(a) + ", b " + shardsLed(b));
            assertFalse(shardsLed(a).isEmpty() || shardsLed(b).isEmpty(), "both replicas lead shards: a " + shardsLed(a) + ", b " + shardsLed(b));

            Map<String, JsonNode> expected = expected();
            await("every segment in S3", 180, () -> running(a, b) && objects(a).size() >= expected.size());
            await("each replica's syncs finished", 60, () -> !syncing(a) && !syncing(b));
            Map<String, String> objects = objects(a);
            assertEquals(expected.keySet(), objects.keySet());
            expected.forEach((k, s) -> assertEquals(s.get("checksum").asText(), objects.get(k), "S3 object " + k));
            // the local folder is off (ASC_LOCAL_ENABLED=false): each pod's /var/lib/asc is staging only
            for (Pod p : List.of(a, b)) {
                assertEquals(Set.of(), localSegments(p), "no local delivery in " + p.name());
            }
            // the shared ledger: each segment recorded once, for the one destination
            Map<String, Postgres.Deliveries> perSegment = Postgres.deliveriesPerSegment();
            assertEquals(expected.size(), perSegment.size(), perSegment.keySet().toString());
            assertTrue(perSegment.values().stream().allMatch(n -> n.count() == 1), "each segment once: " + perSegment);
            assertEquals(expected.size(), downloadsNow() - downloadsBefore, "each segment downloaded once by the two replicas together");
        });
    }

    // ------------------------------------------------------------------------------------------------------------

    /** How the container of a workload among the rendered documents is made: a pod template's, or Camel K's. */
    interface ContainerOf {
        ContainerRun.Container of(List<Map<String, Object>> docs, Map<String, Object> workload);
    }

    interface PodCheck {
        void check(Pod pod) throws Exception;
    }

    /**
     * The CronJob of overlays/cronjob on the image of the Dockerfile, run by that JVM: it ends with exit 0 within
     * 240 s, the further check holds, and everything is delivered.
     */
    void assertTheCronJobDelivers(String dockerfile, Path javaHome, String podName, PodCheck further) throws Exception {
        List<Map<String, Object>> docs = rendered("overlays/cronjob");
        ContainerRun.Container container = ContainerRun.container(docs, ContainerRun.only(docs, "CronJob"));
        Pod pod = start(dockerfile, javaHome, container, podName, Map.of());
        processes.withLogsOnFailure(() -> {
            assertTrue(pod.process().process().waitFor(240, TimeUnit.SECONDS), "the run ends:\n" + pod.process().output());
            assertEquals(0, pod.process().process().exitValue(), pod.process().output());
            further.check(pod);
            assertDelivered(pod);
        });
    }

    /** The one workload of the kind in the rendered folder, started as a service: ready after a complete sync. */
    void assertTheServiceRuns(String dir, String kind, ContainerOf containerOf, String podName) throws Exception {
        List<Map<String, Object>> docs = rendered(dir);
        ContainerRun.Container container = containerOf.of(docs, ContainerRun.only(docs, kind));
        Pod pod = start(container, podName, Map.of());
        processes.withLogsOnFailure(() -> assertReadyAfterASync(pod));
    }

    /** One replica: its root (the container's file system), its process, its container. */
    record Pod(String name, ContainerRun.Root root, AppProcess.Running process, ContainerRun.Container container) {
    }

    /** Downloads the simulator had started before the first replica started (earlier tests share the simulator). */
    int downloadsBefore = -1;

    /** The overlay rendered, and the example Secret filled in as `kubectl apply -f k8s/secret.example.yaml` would add it. */
    List<Map<String, Object>> rendered(String dir) throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>(ContainerRun.kustomize(K8S.resolve(dir)));
        Map<String, String> db = Postgres.settings();
        docs.add(ContainerRun.exampleSecret(DEMO_KEY, Map.of("asc.api.issuer-id", AppProcess.DEMO_ISSUER, "asc.api.key-id",
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
        AppProcess.Running running = processes.add(ContainerRun.start(javaHome, image, container, root, name, env));
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
        await("ready, with a finished sync", 240, () -> {
            running(pod);
            ready[0] = ClusterChecks.getJson("http://127.0.0.1:" + port + "/q/health/ready");
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
        return ClusterChecks.segmentsByPath(simulatorGet("/simulator/catalogue"));
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
        return S3TestResource.segmentObjects(bucket, prefix);
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
        JsonNode node = ClusterChecks.getJson(simulatorUrls.api() + path);
        if (node == null) {
            throw new AssertionError("the simulator did not answer " + path);
        }
        return node;
    }

    static Matcher awaitMatch(Pod pod, Pattern pattern, long seconds) throws InterruptedException {
        return AppProcess.await(pod.process(), out -> {
            Matcher m = pattern.matcher(out);
            return m.find() ? m : null;
        }, pattern + " in the log of " + pod.name(), seconds);
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
        return ClusterChecks.shardsLed(p.process());
    }

    static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    static boolean syncing(Pod p) {
        return ClusterChecks.syncing(p.process());
    }
}
