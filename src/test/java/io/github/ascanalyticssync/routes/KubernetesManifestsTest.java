package io.github.ascanalyticssync.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.v1.Integration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every manifest in k8s/ is checked in the build: built-in kinds against the Kubernetes schemas (npm
 * kubernetes-models, k8s/validate), the Camel K Integration against Camel K's own model (camel-k-crds, unknown
 * fields refused), and what they refer to (files, ConfigMaps, Secret, volumes, images, routes, probes) must exist
 * and agree.
 */
class KubernetesManifestsTest {

    static final Path K8S = Path.of("k8s");
    static final String IMAGE = "ghcr.io/asc-analytics-sync/asc-analytics-sync:0.1.0";

    static List<Path> manifests;
    static Map<String, Map<String, Object>> byKindAndName = new HashMap<>();

    @BeforeAll
    static void readAll() throws IOException {
        try (Stream<Path> walk = Files.walk(K8S)) {
            manifests = walk.filter(p -> p.toString().endsWith(".yaml")).filter(p -> !p.startsWith(K8S.resolve("validate")))
                    .filter(p -> !p.startsWith(K8S.resolve("base/routes"))).sorted().toList();
        }
        for (Path p : manifests) {
            for (Object doc : new Yaml().loadAll(Files.readString(p))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) doc;
                byKindAndName.put(m.get("kind") + "/" + name(m), m);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String... path) {
        Object o = node;
        for (String key : path) {
            o = o instanceof Map<?, ?> m ? m.get(key) : o instanceof List<?> l ? l.get(Integer.parseInt(key)) : null;
        }
        return (T) o;
    }

    static String name(Map<String, Object> m) {
        return at(m, "metadata", "name");
    }

    /** Runs k8s/validate/validate.mjs (installing its pinned packages first) and returns exit code and output. */
    static Map.Entry<Integer, String> validate(List<String> files) throws Exception {
        Path dir = K8S.resolve("validate");
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            assertEquals(0, run(dir, List.of("npm", "ci", "--no-audit", "--no-fund")).getKey(), "npm ci in k8s/validate");
        }
        List<String> cmd = new ArrayList<>(List.of("node", "validate.mjs"));
        files.forEach(f -> cmd.add(Path.of(f).toAbsolutePath().toString()));
        return run(dir, cmd);
    }

    static Map.Entry<Integer, String> run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        return run(dir, cmd, TimeUnit.MINUTES.toSeconds(5));
    }

    /**
     * Runs a command in dir until it ends: its exit code and output (standard error in it). Fails when it does not end
     * within the time; an IOException when it cannot start (not installed).
     */
    static Map.Entry<Integer, String> run(Path dir, List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s");
        }
        return Map.entry(p.exitValue(), out);
    }

    @Test
    void builtInKindsValidateAgainstTheKubernetesSchemas() throws Exception {
        Map.Entry<Integer, String> result = validate(manifests.stream().map(Path::toString).toList());
        assertEquals(0, result.getKey(), result.getValue());
        long valid = result.getValue().lines().filter(l -> l.contains("\"result\":\"valid\"")).count();
        long builtIn = byKindAndName.values().stream().filter(m -> !Set.of("Kustomization", "Integration").contains(m.get("kind"))).count();
        assertEquals(builtIn, valid, result.getValue());
        for (String kind : List.of("Deployment", "CronJob", "ConfigMap", "Secret", "ServiceAccount", "Role", "RoleBinding", "PersistentVolumeClaim",
                "Service")) {
            assertTrue(result.getValue().contains("\"kind\":\"" + kind + "\""), kind + " is among the manifests");
        }
    }

    @Test
    void theValidatorRefusesABrokenManifest() throws Exception {
        Path broken = Files.createTempFile("broken", ".yaml");
        Files.writeString(broken, Files.readString(K8S.resolve("overlays/service/deployment.yaml")).replace("containerPort: 8080",
                "containerPort: \"eighty\""));
        Map.Entry<Integer, String> result = validate(List.of(broken.toString()));
        assertEquals(1, result.getKey(), result.getValue());
        assertTrue(result.getValue().contains("containerPort must be integer"), result.getValue());
    }

    @Test
    void theCamelKIntegrationFitsCamelKsModelAndMountsWhatTheDeploymentMounts() throws Exception {
        Map<String, Object> raw = byKindAndName.get("Integration/asc-analytics-sync");
        Integration integration = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).convertValue(raw, Integration.class);
        var traits = integration.getSpec().getTraits();
        assertEquals(IMAGE, traits.getContainer().getImage());
        assertEquals(8080L, traits.getContainer().getPort());
        assertEquals("/q/health/live", traits.getHealth().getLivenessProbe());
        assertEquals("/q/health/ready", traits.getHealth().getReadinessProbe());
        assertEquals("asc-analytics-sync", integration.getSpec().getServiceAccountName());
        assertTrue(byKindAndName.containsKey("ServiceAccount/asc-analytics-sync"));
        Map<String, String> deploymentMounts = mounts(byKindAndName.get("Deployment/asc-analytics-sync"), "spec", "template", "spec");
        for (String resource : traits.getMount().getResources()) {
            // configmap:<name>@<path> or secret:<name>@<path>
            String kind = resource.startsWith("secret:") ? "Secret" : "ConfigMap";
            String name = resource.substring(resource.indexOf(':') + 1, resource.indexOf('@'));
            String path = resource.substring(resource.indexOf('@') + 1);
            assertTrue(byKindAndName.containsKey(kind + "/" + name) || (kind.equals("ConfigMap") && generatedConfigMaps().contains(name)),
                    resource + " names a " + kind + " that k8s/ defines");
            assertEquals(deploymentMounts.get(name), path, resource + " is mounted where the Deployment mounts it");
        }
        String claim = traits.getMount().getVolumes().get(0).split(":")[0];
        assertTrue(byKindAndName.containsKey("PersistentVolumeClaim/" + claim));

        raw.put("spec", Map.of("traits", Map.of("containr", Map.of("image", IMAGE))));
        try {
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).convertValue(raw, Integration.class);
            throw new AssertionError("a misspelt trait must be refused");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("containr"), expected.getMessage());
        }
    }

    /** Volume (ConfigMap, Secret or claim) name to mount path, in a pod spec. */
    @SuppressWarnings("unchecked")
    static Map<String, String> mounts(Map<String, Object> resource, String... podSpec) {
        Map<String, Object> spec = at(resource, podSpec);
        Map<String, String> volumeToSource = new HashMap<>();
        for (Map<String, Object> v : at(spec, "volumes") instanceof List<?> l ? (List<Map<String, Object>>) l : List.<Map<String, Object>> of()) {
            String source = at(v, "configMap", "name") != null ? at(v, "configMap", "name")
                    : at(v, "secret", "secretName") != null ? at(v, "secret", "secretName")
                            : at(v, "persistentVolumeClaim", "claimName") != null ? at(v, "persistentVolumeClaim", "claimName") : null;
            if (source != null) {
                volumeToSource.put((String) v.get("name"), source);
            }
        }
        Map<String, String> out = new HashMap<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) at(spec, "containers", "0", "volumeMounts")) {
            out.put(volumeToSource.getOrDefault((String) m.get("name"), (String) m.get("name")), (String) m.get("mountPath"));
        }
        return out;
    }

    static Set<String> generatedConfigMaps() {
        Set<String> names = new TreeSet<>();
        for (Map<String, Object> k : kustomizations().values()) {
            List<Map<String, Object>> generators = at(k, "configMapGenerator");
            if (generators != null) {
                generators.forEach(g -> names.add((String) g.get("name")));
            }
        }
        return names;
    }

    static Map<Path, Map<String, Object>> kustomizations() {
        Map<Path, Map<String, Object>> out = new HashMap<>();
        for (Path p : manifests) {
            if (p.getFileName().toString().equals("kustomization.yaml")) {
                try {
                    out.put(p, new Yaml().load(Files.readString(p)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void kustomizationsReferOnlyToFilesThatExistAndPinTheImageTheWorkloadsUse() {
        Map<Path, Map<String, Object>> all = kustomizations();
        assertEquals(5, all.size(), "base, three overlays and Camel K: " + all.keySet());
        for (var e : all.entrySet()) {
            Path dir = e.getKey().getParent();
            List<String> resources = at(e.getValue(), "resources");
            for (String r : resources) {
                assertTrue(Files.exists(dir.resolve(r)), e.getKey() + " refers to " + r);
            }
            List<Map<String, Object>> generators = at(e.getValue(), "configMapGenerator");
            if (generators != null) {
                generators.forEach(g -> ((List<String>) g.get("files")).forEach(f -> assertTrue(Files.exists(dir.resolve(f)), e.getKey() + " generates from " + f)));
            }
            List<Map<String, Object>> images = at(e.getValue(), "images");
            if (images != null) {
                assertEquals(IMAGE, images.get(0).get("name") + ":" + images.get(0).get("newTag"));
            }
        }
        assertEquals(IMAGE, at(byKindAndName.get("Deployment/asc-analytics-sync"), "spec", "template", "spec", "containers", "0", "image"));
        assertEquals(IMAGE, at(byKindAndName.get("CronJob/asc-analytics-sync"), "spec", "jobTemplate", "spec", "template", "spec", "containers", "0", "image"));
    }

    @Test
    void workloadsRunNonRootOnAReadOnlyRootWithLimitsProbesAndTheirMounts() throws IOException {
        Properties config = new Properties();
        config.load(new StringReader(at(byKindAndName.get("ConfigMap/asc-analytics-sync-config"), "data", "application.properties")));
        for (String[] workload : List.of(new String[] { "Deployment/asc-analytics-sync", "spec", "template", "spec" },
                new String[] { "Deployment/asc-analytics-sync-clustered", "spec", "template", "spec" },
                new String[] { "CronJob/asc-analytics-sync", "spec", "jobTemplate", "spec", "template", "spec" })) {
            Map<String, Object> resource = byKindAndName.get(workload[0]);
            String[] podPath = java.util.Arrays.copyOfRange(workload, 1, workload.length);
            Map<String, Object> pod = at(resource, podPath);
            Map<String, Object> container = at(pod, "containers", "0");
            assertEquals(Boolean.TRUE, at(pod, "securityContext", "runAsNonRoot"), workload[0]);
            assertEquals(Boolean.TRUE, at(container, "securityContext", "readOnlyRootFilesystem"), workload[0]);
            assertEquals(Boolean.FALSE, at(container, "securityContext", "allowPrivilegeEscalation"), workload[0]);
            for (String r : List.of("requests", "limits")) {
                assertNotNull(at(container, "resources", r, "cpu"), workload[0] + " " + r);
                assertNotNull(at(container, "resources", r, "memory"), workload[0] + " " + r);
            }
            assertEquals("/q/health/live", at(container, "livenessProbe", "httpGet", "path"));
            if ("one-shot".equals(env(container).get("ASC_SYNC_MODE"))) {
                // a one-shot run opens its HTTP port only when asked (ModeDefaults): the probe needs it
                assertEquals("true", env(container).get("QUARKUS_HTTP_HOST_ENABLED"), workload[0]);
            }
            assertEquals("asc-analytics-sync", at(pod, "serviceAccountName"));
            Map<String, String> mounts = mounts(resource, podPath);
            // the settings, the Secret, the extra routes and the state, where the configuration expects them
            assertEquals("/deployments/config", mounts.get("asc-analytics-sync-config"), "Quarkus reads config/application.properties");
            assertTrue(config.getProperty("asc.api.private-key-path").startsWith(mounts.get("asc-analytics-sync") + "/"));
            assertTrue(config.getProperty("quarkus.config.locations").startsWith(mounts.get("asc-analytics-sync") + "/"));
            // the mounted routes folder is read beside the built-in routes (and its Kamelets before the built-in ones)
            assertEquals(mounts.get("asc-analytics-sync-routes"), config.getProperty("asc.routes.dir"));
            assertNull(config.getProperty("camel.main.routes-include-pattern"), "the built-in routes stay, whatever the working directory");
            assertNull(config.getProperty("camel.component.kamelet.location"));
            assertTrue(config.getProperty("asc.state.dir").startsWith(mounts.getOrDefault("asc-analytics-sync-state", mounts.get("state")) + "/"));
            assertEquals("/tmp", mounts.get("tmp"), "a writable /tmp beside the read-only root");
        }
        assertEquals("/q/health/ready", at(byKindAndName.get("Deployment/asc-analytics-sync"), "spec", "template", "spec", "containers", "0",
                "readinessProbe", "httpGet", "path"));
        // the Secret's files are the ones the configuration reads
        Map<String, Object> secret = byKindAndName.get("Secret/asc-analytics-sync");
        Map<String, Object> secretFiles = at(secret, "stringData");
        assertTrue(config.getProperty("asc.api.private-key-path").endsWith("/" + secretFiles.keySet().stream()
                .filter(k -> k.endsWith(".p8")).findFirst().orElseThrow()));
        assertNotNull(at(secret, "stringData", Path.of(config.getProperty("quarkus.config.locations")).getFileName().toString()));
    }

    /** A container's environment variables (those with a value). */
    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new HashMap<>();
        List<Map<String, Object>> vars = at(container, "env");
        if (vars != null) {
            vars.forEach(v -> env.put((String) v.get("name"), String.valueOf(v.get("value"))));
        }
        return env;
    }

    @Test
    void theClusteredOverlayRunsReplicasOnLeasesAndPostgreSQL() {
        Map<String, Object> deployment = byKindAndName.get("Deployment/asc-analytics-sync-clustered");
        assertTrue(((Number) at(deployment, "spec", "replicas")).intValue() > 1);
        Map<String, String> env = env(at(deployment, "spec", "template", "spec", "containers", "0"));
        assertEquals("-XX:+UseG1GC -XX:+ExitOnOutOfMemoryError", env.remove("JAVA_OPTS_APPEND"), "the JVM flags of a long-running replica");
        assertEquals(Map.of("ASC_SYNC_MODE", "service", "ASC_CLUSTER_ENABLED", "true", "ASC_CLUSTER_SERVICE", "kubernetes", "ASC_CLUSTER_SHARDS",
                "8", "ASC_STATE_STORE", "jdbc", "ASC_LOCAL_ENABLED", "false"), env);
        // the Role lets the pods' ServiceAccount hold Leases
        Map<String, Object> role = byKindAndName.get("Role/asc-analytics-sync-leases");
        List<Map<String, Object>> rules = at(role, "rules");
        assertTrue(rules.stream().anyMatch(r -> ((List<?>) r.get("apiGroups")).contains("coordination.k8s.io")
                && ((List<?>) r.get("resources")).contains("leases") && ((List<?>) r.get("verbs")).containsAll(List.of("get", "create", "update"))));
        Map<String, Object> binding = byKindAndName.get("RoleBinding/asc-analytics-sync-leases");
        assertEquals("asc-analytics-sync", at(binding, "subjects", "0", "name"));
        assertEquals("asc-analytics-sync", at(deployment, "spec", "template", "spec", "serviceAccountName"));
        // the Secret carries the database settings
        String secretProperties = at(byKindAndName.get("Secret/asc-analytics-sync"), "stringData", "secret.properties");
        assertTrue(secretProperties.contains("quarkus.datasource.jdbc.url="));
    }

    @Test
    void everyResourceCarriesTheRecommendedLabels() {
        for (var e : byKindAndName.entrySet()) {
            if (e.getKey().startsWith("Kustomization/")) {
                continue;
            }
            assertEquals("asc-analytics-sync", at(e.getValue(), "metadata", "labels", "app.kubernetes.io/name"), e.getKey());
            assertNotNull(at(e.getValue(), "metadata", "labels", "app.kubernetes.io/component"), e.getKey());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRoutesMountedFromTheConfigMapAreTheProjectsOwnAndUseItsTemplates() throws IOException {
        Path mounted = K8S.resolve("base/routes/s3.yaml");
        assertEquals(Files.readString(Path.of("routes/examples/s3.yaml")), Files.readString(mounted),
                "k8s/base/routes/s3.yaml is routes/examples/s3.yaml (kustomize reads files only below its folder)");
        String destinations = Files.readString(Path.of("routes/destinations.yaml"));
        for (Object doc : new Yaml().loadAll(Files.readString(mounted))) {
            for (Map<String, Object> item : (List<Map<String, Object>>) doc) {
                String template = at(item, "templatedRoute", "routeTemplateRef");
                assertTrue(destinations.contains("id: " + template), "routes/destinations.yaml defines the template " + template);
            }
        }
        assertFalse(Files.readString(mounted).isBlank());
    }
}
