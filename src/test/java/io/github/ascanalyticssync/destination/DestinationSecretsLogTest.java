package io.github.ascanalyticssync.destination;

import static io.github.ascanalyticssync.sync.SyncTestAccess.freshStart;
import static io.github.ascanalyticssync.sync.SyncTestAccess.sync;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.sync.TestFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With Camel and the root logger at DEBUG (what an operator turns on to see why a destination fails), a sync into S3
 * and SFTP writes neither the S3 secret key, nor the SFTP password, nor a Kafka SASL password, nor the API token, a
 * presigned URL's signature or the .p8 anywhere in the log: the log filter asc-secrets masks them in every line.
 */
@QuarkusTest
@TestProfile(DestinationSecretsLogTest.CamelAtDebug.class)
class DestinationSecretsLogTest {

    /** This JVM's own log file, so that an earlier run's log is never read. */
    static final Path LOG = Path.of("target/test-data/camel-debug-" + ProcessHandle.current().pid() + ".log").toAbsolutePath();

    public static class CamelAtDebug implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> settings = new java.util.HashMap<>(Map.of("camel.main.routes-include-pattern", "file:routes/*.yaml,file:routes/examples/s3.yaml,file:routes/examples/sftp.yaml",
                    "asc.sync.categories", "COMMERCE",
                    "asc.sync.report-names", "App Store Purchases Standard",
                    "quarkus.log.category.\"org.apache.camel\".level", "DEBUG",
                    "quarkus.log.level", "DEBUG",
                    // a Kafka SASL password configured (no Kafka destination needed: Camel configures the component)
                    "camel.component.kafka.sasl-jaas-config", KAFKA_JAAS,
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.rotation.max-file-size", "1G",
                    "quarkus.log.console.level", "INFO"));
            // a second key's .p8, named by a path (several keys): its lines are masked like the single key's
            settings.put("asc.keys.team-b.private-key-path", secondKeyFile().toString());
            return settings;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(S3TestResource.class), new TestResourceEntry(SftpTestResource.class));
        }
    }

    /** A line of key material in the second key's .p8 (not a real key). */
    static final String SECOND_KEY_LINE = "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQgSecondKeyLine0";

    static Path secondKeyFile() {
        Path file = Path.of("target/test-data/AuthKey_TEAMB00001.p8").toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + SECOND_KEY_LINE + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    static final String KAFKA_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"asc\""
            + " password=\"kafka-canary-Pw9\";";

    /** The next test profile's application would otherwise inherit the DEBUG level (Quarkus sets levels, never resets them). */
    @AfterAll
    static void camelBackToItsDefaultLevel() {
        java.util.logging.Logger.getLogger("org.apache.camel").setLevel(null);
    }

    @Test
    void theS3SecretAndTheSftpPasswordAreNeverLogged() throws IOException {
        freshStart();
        TestFiles.deleteTree(SftpTestResource.ROOT.resolve("upload"));
        SyncRun.Summary summary = sync();
        assertTrue(summary.complete(), summary.problems().toString());
        // both destinations logged in with their secret and stored something
        assertTrue(S3TestResource.blobs.getBlobStore().list("asc-reports", ListContainerOptions.Builder.recursive()).size() > 0, "S3 got the files");
        try (Stream<Path> files = Files.walk(SftpTestResource.ROOT.resolve("upload"))) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".tsv.gz")), "SFTP got the files");
        }

        String log = Files.readString(LOG);
        // Camel's DEBUG lines are in the log: the Kamelets were created, the endpoints resolved
        assertTrue(log.contains("template=aws-s3-sink") && log.contains("template=asc-sftp-sink"), "Camel logged at DEBUG");
        assertTrue(log.contains("aws2-s3://asc-reports") && log.contains("sftp://"), "Camel logged the endpoints");
        for (String secret : List.of(S3TestResource.SECRET_KEY, SftpTestResource.PASSWORD, "kafka-canary-Pw9")) {
            for (String form : List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8), secret.replace('+', ' '))) {
                assertFalse(log.contains(form), "the secret " + form + " is in the log: " + LOG);
            }
        }
        // nor any part of them (the secrets hold the word canary, split by characters a URI parser would cut at)
        assertFalse(log.contains("canary"), "a part of a secret is in the log: " + LOG);
        // root at DEBUG too: no API token (the HTTP client logs its headers at DEBUG), no presigned URL signature, no .p8
        assertTrue(log.contains(" DEBUG ") || log.contains("\"level\":\"DEBUG\""), "the root logger was at DEBUG");
        assertFalse(java.util.regex.Pattern.compile("eyJ[\\w-]{5,}\\.[\\w-]{5,}\\.[\\w-]{5,}").matcher(log).find(), "an API token is in the log: " + LOG);
        assertFalse(java.util.regex.Pattern.compile("(?i)X-Amz-Signature=[0-9a-f]{8}").matcher(log).find(), "a URL signature is in the log: " + LOG);
        String keyLine = Files.readAllLines(Path.of("src/main/resources/simulator/demo/AuthKey_DEMOKEY001.p8")).get(1);
        assertFalse(log.contains(keyLine), "the .p8 is in the log: " + LOG);
        // a library that logs another key's material (here: this test, through the application's logging)
        org.jboss.logging.Logger.getLogger("io.github.ascanalyticssync.test").info("read the key: " + SECOND_KEY_LINE);
        String after = Files.readString(LOG);
        assertTrue(after.contains("read the key: "), "the line itself is logged: " + LOG);
        assertFalse(after.contains(SECOND_KEY_LINE), "the second key's .p8 is in the log: " + LOG);
    }
}
