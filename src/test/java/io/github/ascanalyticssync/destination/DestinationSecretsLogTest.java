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

import io.github.ascanalyticssync.sync.SyncRun;
import io.github.ascanalyticssync.sync.TestFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With Camel logging at DEBUG (what an operator turns on to see why a destination fails), a sync into S3 and SFTP
 * writes neither the S3 secret key nor the SFTP password anywhere in the log: both are Kamelet properties marked as
 * secrets, and Camel masks the endpoint options it knows as secrets whenever it logs an endpoint.
 */
@QuarkusTest
@TestProfile(DestinationSecretsLogTest.CamelAtDebug.class)
class DestinationSecretsLogTest {

    /** This JVM's own log file, so that an earlier run's log is never read. */
    static final Path LOG = Path.of("target/test-data/camel-debug-" + ProcessHandle.current().pid() + ".log").toAbsolutePath();

    public static class CamelAtDebug implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("camel.main.routes-include-pattern", "file:routes/*.yaml,file:routes/examples/s3.yaml,file:routes/examples/sftp.yaml",
                    "asc.sync.categories", "COMMERCE",
                    "asc.sync.report-names", "App Store Purchases Standard",
                    "quarkus.log.category.\"org.apache.camel\".level", "DEBUG",
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.rotation.max-file-size", "1G",
                    "quarkus.log.console.level", "INFO");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(S3TestResource.class), new TestResourceEntry(SftpTestResource.class));
        }
    }

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
        for (String secret : List.of(S3TestResource.SECRET_KEY, SftpTestResource.PASSWORD)) {
            for (String form : List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8), secret.replace('+', ' '))) {
                assertFalse(log.contains(form), "the secret " + form + " is in the log: " + LOG);
            }
        }
        // nor any part of them (both secrets hold the word canary, split by characters a URI parser would cut at)
        assertFalse(log.contains("canary"), "a part of a secret is in the log: " + LOG);
    }
}
