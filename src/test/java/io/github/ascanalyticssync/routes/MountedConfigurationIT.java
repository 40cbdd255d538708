package io.github.ascanalyticssync.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import io.github.ascanalyticssync.sync.TestFiles;
import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.simulator.Simulator;

/**
 * The packaged application laid out as the Kubernetes manifests lay it out, without a rebuild: the ConfigMap's
 * application.properties in config/, the Secret's .p8 and secret.properties in etc/asc/secret, no routes/ in the working
 * directory (the routes and Kamelets are the application's), and a destination added as a YAML file in the mounted
 * routes folder etc/asc/routes (asc.routes.dir). The added destination
 * receives every segment, like the built-in one, and the logs are JSON, as the ConfigMap asks.
 */
class MountedConfigurationIT {

    @TempDir
    Path work;

    @SuppressWarnings("unchecked")
    private static String configMapProperties() throws Exception {
        Map<String, Object> configMap = new Yaml().load(Files.readString(Path.of("k8s/base/configmap.yaml")));
        return ((Map<String, String>) configMap.get("data")).get("application.properties");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> secretFiles() throws Exception {
        Map<String, Object> secret = new Yaml().load(Files.readString(Path.of("k8s/secret.example.yaml")));
        return (Map<String, String>) secret.get("stringData");
    }

    private List<Path> segments(Path root) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tsv.gz")).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void aDestinationInTheMountedRoutesFolderIsLoadedWithTheMountedConfigurationAndSecret() throws Exception {
        // the container's absolute paths, under the work directory
        String mounted = configMapProperties().replace("/var/lib/asc", work.resolve("var/lib/asc").toString())
                .replace("/etc/asc", work.resolve("etc/asc").toString());
        Properties check = new Properties();
        check.load(new StringReader(mounted));
        assertEquals(work.resolve("etc/asc/routes").toString(), check.getProperty("asc.routes.dir"));
        Files.createDirectories(work.resolve("config"));
        Files.writeString(work.resolve("config/application.properties"), mounted + "asc.destinations.archive.path=" + work.resolve("archive") + "\n");

        // the Secret, with the simulator's demo key in place of the placeholders
        Map<String, String> secret = secretFiles();
        Path secretDir = Files.createDirectories(work.resolve("etc/asc/secret"));
        Files.copy(Path.of("src/main/resources/simulator/demo/AuthKey_DEMOKEY001.p8"), secretDir.resolve("AuthKey.p8"));
        assertTrue(secret.containsKey("AuthKey.p8"));
        Files.writeString(secretDir.resolve("secret.properties"), secret.get("secret.properties")
                .replace("<issuer id>", "69a6de70-03db-47e3-e053-5b8c7c11a4d1").replace("<key id, for example 2X9R4HXF34>", "DEMOKEY001"));

        // no routes/ in the working directory: the application's own routes and Kamelets, and one more destination
        // mounted from a ConfigMap, on one of the application's Kamelets
        Path extra = Files.createDirectories(work.resolve("etc/asc/routes"));
        Files.writeString(extra.resolve("archive.yaml"),
                TestFiles.destinationRoute("archive", "kamelet:asc-folder-sink/archive?path={{asc.destinations.archive.path}}"));

        // the prod profile, as in the container, against a simulator beside it (in this JVM, on free ports): the issuer,
        // the key id and the key can only come from the mounted files
        AppProcess.Result run;
        try (Simulator simulator = Simulator.start(Map.of("asc.simulator.api-port", "0", "asc.simulator.storage-port", "0",
                "asc.simulator.data.apps", "1", "asc.simulator.data.today", "2026-03-06"))) {
            run = AppProcess.run(List.of("-Xmx256m"), Map.of("asc.api.base-url", simulator.apiBaseUrl(),
                    "asc.sync.download.simulator-storage-url", simulator.storageBaseUrl(), "quarkus.http.port", "0",
                    "asc.sync.mode", "one-shot", "asc.sync.report-names", "App Crashes,App Sessions Standard"), work, 300);
        }
        assertEquals(0, run.exitCode(), run.output());
        List<Path> local = segments(work.resolve("var/lib/asc/reports"));
        assertFalse(local.isEmpty(), "the built-in destination, at the ConfigMap's path: " + run.output());
        assertEquals(local, segments(work.resolve("archive")), "the mounted destination received every segment too");
        assertTrue(Files.exists(work.resolve("var/lib/asc/state/delivery-ledger.txt")), "state where the ConfigMap puts it");
        assertFalse(run.output().contains("PRIVATE KEY"));
        // the ConfigMap turns JSON logs on: one object per line, each with a level and a message
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> lines = run.output().lines().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() >= 4, "at least the routes, the start, the sync started and its summary: " + run.output());
        for (String line : lines) {
            com.fasterxml.jackson.databind.JsonNode record = json.readTree(line);
            assertTrue(record.hasNonNull("level") && record.hasNonNull("message"), line);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("Sync finished")), "the summary is logged");
        // once, where the routes came from: the built-in ones and the mounted folder, with the file it added
        assertEquals(1, lines.stream().filter(l -> l.contains("Routes: the built-in ones and those of " + extra + " (asc.routes.dir): archive.yaml added")).count(),
                run.output());
    }
}
