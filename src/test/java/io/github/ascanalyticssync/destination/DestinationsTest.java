package io.github.ascanalyticssync.destination;

import static io.github.ascanalyticssync.sync.SyncTestAccess.assertDeliveredExactly;
import static io.github.ascanalyticssync.sync.SyncTestAccess.catalogue;
import static io.github.ascanalyticssync.sync.SyncTestAccess.downloads;
import static io.github.ascanalyticssync.sync.SyncTestAccess.freshStart;
import static io.github.ascanalyticssync.sync.TestFiles.md5;
import static io.github.ascanalyticssync.sync.SyncTestAccess.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.run.SyncRun;
import io.github.ascanalyticssync.sync.TestFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The local folder, S3 (two buckets, the second added by YAML alone), SFTP and Kafka at once, each against a real
 * server: every segment reaches every destination exactly once, and one destination's outage holds up no other.
 */
@QuarkusTest
@TestProfile(DestinationsTest.AllDestinations.class)
class DestinationsTest {

    public static class AllDestinations implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("camel.main.routes-include-pattern", "file:routes/*.yaml,file:routes/examples/*.yaml,file:src/test/routes/*.yaml",
                    "asc.sync.categories", "COMMERCE",
                    "camel.kamelet.aws-s3-sink.s3-archive.bucketNameOrArn", "asc-archive",
                    "asc.destinations.s3-archive.prefix", "archive/",
                    "camel.kamelet.asc-kafka-sink.kafka.topic", "asc-$simple{variable.reportSlug}",
                    "camel.kamelet.asc-kafka-sink.kafka.manifestTopic", "asc-manifests",
                    "asc.destinations.retries", "1");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(S3TestResource.class), new TestResourceEntry(SftpTestResource.class),
                    new TestResourceEntry(KafkaTestResource.class), new TestResourceEntry(HeaderRecorderTestResource.class));
        }
    }

    @Inject
    @Named("deliveryLedger")
    IdempotentRepository ledger;

    private final ObjectMapper json = new ObjectMapper();
    /** Where each Kafka partition stood when the test began. */
    private Map<TopicPartition, Long> kafkaFrom = Map.of();

    @BeforeEach
    void setUp() throws Exception {
        freshStart();
        BlobStore store = S3TestResource.blobs.getBlobStore();
        for (String bucket : List.of("asc-reports", "asc-archive")) {
            if (store.containerExists(bucket)) {
                store.clearContainer(bucket);
            }
        }
        TestFiles.deleteTree(SftpTestResource.ROOT.resolve("upload"));
        List<String> topics = new java.util.ArrayList<>(List.of("asc-manifests"));
        expected().forEach(segment -> topics.add("asc-" + Layout.slug((String) segment.get("reportName"))));
        KafkaTestResource.createTopics(topics);
        kafkaFrom = KafkaTestResource.endOffsets("asc-");
        HeaderRecorderTestResource.requests.clear();
    }

    private List<Map<String, Object>> expected() {
        return catalogue(Map.of("category", "COMMERCE")).getList("segments");
    }

    /** Object key to MD5 of its bytes, for every object under the prefix. */
    private static Map<String, String> objects(String bucket, String prefix) throws Exception {
        BlobStore store = S3TestResource.blobs.getBlobStore();
        Map<String, String> out = new HashMap<>();
        if (!store.containerExists(bucket)) {
            return out;
        }
        for (StorageMetadata m : store.list(bucket, ListContainerOptions.Builder.recursive())) {
            if (m.getName().startsWith(prefix) && !m.getName().endsWith("/")) {
                try (InputStream in = store.getBlob(bucket, m.getName()).getPayload().openStream()) {
                    out.put(m.getName().substring(prefix.length()), HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(in.readAllBytes())));
                }
            }
        }
        return out;
    }

    private static Map<String, String> sftpFiles() throws Exception {
        Path root = SftpTestResource.ROOT.resolve("upload");
        Map<String, String> out = new HashMap<>();
        if (!Files.exists(root)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), md5(p));
            }
        }
        return out;
    }

    private static String key(Map<String, Object> s) {
        return Layout.segmentFile(Layout.instanceDir(String.valueOf(s.get("appId")), String.valueOf(s.get("accessType")), String.valueOf(s.get("reportName")),
                String.valueOf(s.get("granularity")), String.valueOf(s.get("processingDate"))), String.valueOf(s.get("segmentId")));
    }

    private static void assertSegmentsIn(Map<String, String> stored, List<Map<String, Object>> expected, String where) {
        for (Map<String, Object> s : expected) {
            assertEquals(s.get("checksum"), stored.get(key(s)), where + " has " + key(s));
        }
        long segments = stored.keySet().stream().filter(k -> k.endsWith(".tsv.gz")).count();
        assertEquals(expected.size(), segments, where + ": no other segment");
        assertTrue(stored.keySet().stream().noneMatch(k -> k.contains("/.")), where + ": no temporary file left");
    }

    private static long manifestsIn(Map<String, String> stored) {
        return stored.keySet().stream().filter(k -> k.endsWith("/_manifest.json")).count();
    }

    /** Every record this test published on the report topics, and every manifest record. */
    private List<ConsumerRecord<String, String>> records() {
        Map<TopicPartition, Long> to = KafkaTestResource.endOffsets("asc-");
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.cluster.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> out = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(to.keySet());
            to.keySet().forEach(tp -> consumer.seek(tp, kafkaFrom.getOrDefault(tp, 0L)));
            long deadline = System.currentTimeMillis() + 30_000;
            while (to.keySet().stream().anyMatch(tp -> consumer.position(tp) < to.get(tp)) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void everyDestinationGetsEverySegmentExactlyOnce() throws Exception {
        List<Map<String, Object>> expected = expected();
        SyncRun.Summary summary = sync();
        assertTrue(summary.complete(), summary.problems().toString());
        assertDeliveredExactly(expected);
        Map<String, String> s3 = objects("asc-reports", "analytics/");
        assertSegmentsIn(s3, expected, "S3");
        assertSegmentsIn(objects("asc-archive", "archive/"), expected, "the bucket added by YAML");
        Map<String, String> sftp = sftpFiles();
        assertSegmentsIn(sftp, expected, "SFTP");
        int instances = catalogue(Map.of("category", "COMMERCE")).getInt("instances");
        assertEquals(instances, manifestsIn(s3));
        assertEquals(instances, manifestsIn(sftp));
        var metadata = S3TestResource.blobs.getBlobStore().blobMetadata("asc-reports", "analytics/" + key(expected.get(0))).getUserMetadata();
        assertEquals(expected.get(0).get("checksum"), metadata.get("checksum-md5"));
        assertEquals(expected.get(0).get("processingDate"), metadata.get("processing-date"));
        assertEquals(expected.get(0).get("granularity"), metadata.get("granularity"));
        assertEquals(expected.get(0).get("accessType"), metadata.get("access-type"));

        List<ConsumerRecord<String, String>> records = records();
        assertKafkaHasEveryRowOnce(records, expected, instances);
        assertTrue(records.stream().allMatch(r -> r.headers().toArray().length == 0), "a record carries its key and value, no header");
        assertTheSinkGotTheFilesAndNothingOfTheWalk(expected, instances);

        long downloaded = downloads();
        SyncRun.Summary again = sync();
        assertTrue(again.complete());
        assertEquals(0, again.newSegments());
        assertEquals(downloaded, downloads());
        assertEquals(records.size(), records().size(), "no record published twice");
        assertEquals(s3, objects("asc-reports", "analytics/"));
    }

    /**
     * The HTTP destination received every file under its path, and no header that carries a walk value (app, report,
     * instance, segment), a download URL or the API token.
     */
    private static void assertTheSinkGotTheFilesAndNothingOfTheWalk(List<Map<String, Object>> expected, int instances) {
        List<HeaderRecorderTestResource.Request> requests = HeaderRecorderTestResource.requests;
        assertEquals(expected.size() + instances, requests.size(), "every segment and manifest, once");
        Set<String> paths = new HashSet<>();
        requests.forEach(r -> paths.add(r.path()));
        for (Map<String, Object> s : expected) {
            assertTrue(paths.contains("/upload/" + key(s)), "the file's path is in the URL: " + key(s));
        }
        Set<String> walk = new HashSet<>();
        for (Map<String, Object> s : expected) {
            for (String k : List.of("appId", "reportName", "instanceId", "segmentId")) {
                walk.add(String.valueOf(s.get(k)));
            }
            walk.add(Layout.slug(String.valueOf(s.get("reportName"))));
        }
        String storage = java.net.URI.create(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("asc.sync.download.simulator-storage-url", String.class)).getAuthority();
        for (HeaderRecorderTestResource.Request r : requests) {
            assertTrue(r.headers().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Authorization")), "no Authorization: " + r.headers());
            for (var h : r.headers().entrySet()) {
                String header = h.getKey() + ": " + String.join(",", h.getValue());
                for (String value : walk) {
                    assertFalse(header.contains(value), "a walk value (" + value + ") in the header " + header);
                }
                for (String secret : List.of("X-Amz", storage, "Bearer", "eyJ")) {
                    assertFalse(header.contains(secret), "a URL or token (" + secret + ") in the header " + header);
                }
            }
        }
    }

    private void assertKafkaHasEveryRowOnce(List<ConsumerRecord<String, String>> records, List<Map<String, Object>> expected, int instances)
            throws Exception {
        Map<String, Map<String, Object>> bySegment = new HashMap<>();
        expected.forEach(s -> bySegment.put(String.valueOf(s.get("segmentId")), s));
        Set<String> keys = new HashSet<>();
        Map<String, Integer> rows = new HashMap<>();
        int manifests = 0;
        for (ConsumerRecord<String, String> r : records) {
            assertTrue(keys.add(r.key()), "record key seen once: " + r.key());
            JsonNode value = json.readTree(r.value());
            if (r.topic().equals("asc-manifests")) {
                manifests++;
                continue;
            }
            Map<String, Object> segment = bySegment.get(value.get("segmentId").asText());
            assertTrue(segment != null, "a record of a known segment");
            assertEquals(value.get("segmentId").asText() + ":" + value.get("rowNumber").asLong(), r.key());
            assertEquals("asc-" + Layout.slug(String.valueOf(segment.get("reportName"))), r.topic(), "one topic per report");
            assertEquals(segment.get("appId"), value.get("appId").asText());
            assertEquals(segment.get("processingDate"), value.get("processingDate").asText());
            assertEquals(segment.get("granularity"), value.get("granularity").asText());
            assertEquals(segment.get("instanceId"), value.get("instanceId").asText());
            assertTrue(value.has("Date") && value.has("Territory"), "the columns by header name: " + value);
            rows.merge(value.get("segmentId").asText(), 1, Integer::sum);
        }
        for (Map<String, Object> s : expected) {
            assertEquals(((Number) s.get("rows")).intValue(), rows.getOrDefault(String.valueOf(s.get("segmentId")), 0), "rows of " + s.get("segmentId"));
        }
        assertEquals(instances, manifests);
        // the record equals its row: compare one row of one segment with the local file
        Map<String, Object> first = expected.stream().filter(s -> ((Number) s.get("rows")).intValue() > 0).findFirst().orElseThrow();
        Path local = io.github.ascanalyticssync.sync.SyncTestAccess.localFile(first);
        List<String> lines;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(local))) {
            lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
        String[] header = lines.get(0).split("\t");
        String[] row1 = lines.get(1).split("\t", -1);
        JsonNode record = null;
        for (ConsumerRecord<String, String> r : records) {
            if (r.key().equals(first.get("segmentId") + ":1")) {
                record = json.readTree(r.value());
            }
        }
        for (int i = 0; i < header.length; i++) {
            assertEquals(row1[i], record.get(header[i]).asText(), header[i]);
        }
    }

    @Test
    void anSftpOutageHoldsUpNoOtherDestinationAndIsFilledLaterWithoutDuplicates() throws Exception {
        List<Map<String, Object>> expected = expected();
        SftpTestResource.stopServer();
        SyncRun.Summary during;
        try {
            during = sync();
        } finally {
            SftpTestResource.restart();
        }
        assertFalse(during.complete(), "SFTP is still missing");
        assertDeliveredExactly(expected);
        assertSegmentsIn(objects("asc-reports", "analytics/"), expected, "S3");
        assertEquals(Map.of(), sftpFiles());
        List<ConsumerRecord<String, String>> during1 = records();
        long rowsDuring = during1.stream().filter(r -> !r.topic().equals("asc-manifests")).count();
        int instances = catalogue(Map.of("category", "COMMERCE")).getInt("instances");
        assertEquals(instances, during1.size() - rowsDuring,
                "a manifest goes to each destination once it has every segment of the instance: the down SFTP holds none back");
        assertEquals(expected.size(), during.lacking().get("sftp").segments(), "the summary says what SFTP lacks: " + during.lacking());
        long downloaded = downloads();

        SyncRun.Summary after = sync();
        assertTrue(after.complete(), after.problems().toString());
        assertSegmentsIn(sftpFiles(), expected, "SFTP");
        assertEquals(downloaded, downloads(), "SFTP got the staged copies: no second download");
        List<ConsumerRecord<String, String>> afterRecords = records();
        assertEquals(rowsDuring, afterRecords.stream().filter(r -> !r.topic().equals("asc-manifests")).count(), "Kafka got no row twice");
        assertEquals(instances, afterRecords.stream().filter(r -> r.topic().equals("asc-manifests")).count(), "then every manifest, once");
        assertEquals(afterRecords.size(), afterRecords.stream().map(ConsumerRecord::key).distinct().count(), "no record key twice");
        assertSegmentsIn(objects("asc-reports", "analytics/"), expected, "S3");
        assertDeliveredExactly(expected);
    }

    @Inject
    org.apache.camel.ProducerTemplate producer;

    @Test
    void sftpAcceptsAPrivateKeyLoginWithTheHostKeyVerified() throws Exception {
        // the example's Kamelet, with a private key file instead of a password
        String uri = "kamelet:asc-sftp-sink/keylogin?host=127.0.0.1&port=" + SftpTestResource.port + "&username=" + SftpTestResource.USER
                + "&privateKeyFile=" + SftpTestResource.CLIENT_KEY_FILE + "&knownHostsFile=" + SftpTestResource.KNOWN_HOSTS + "&directory=keylogin";
        producer.sendBodyAndHeader(uri, "signed in with a key", "file", "proof.txt");
        assertEquals("signed in with a key", Files.readString(SftpTestResource.ROOT.resolve("keylogin/proof.txt")));
    }

    @Test
    void anSftpServerWithAnotherHostKeyIsRefusedAndNothingIsMarkedDelivered() throws Exception {
        // the same address now answers with another host key, as an impostor would
        SftpTestResource.stopServer();
        SftpTestResource.restartWithHostKey(Path.of("target/test-data/sftp-other-hostkey.ser").toAbsolutePath());
        try {
            SyncRun.Summary summary = sync();
            assertFalse(summary.complete());
        } finally {
            SftpTestResource.stopServer();
            SftpTestResource.restart();
        }
        assertEquals(Map.of(), sftpFiles(), "nothing uploaded to an unverified host");
        for (Map<String, Object> s : expected()) {
            assertFalse(ledger.contains("sftp:" + s.get("segmentId")), "not marked delivered to SFTP");
            assertTrue(ledger.contains("local:" + s.get("segmentId")), "the folder got it");
        }
        assertTrue(sync().complete(), "with the right host key the next sync fills SFTP");
        assertSegmentsIn(sftpFiles(), expected(), "SFTP");
    }

}
