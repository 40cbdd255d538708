package io.github.ascanalyticssync.sync;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.enterprise.inject.spi.CDI;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.IdempotentRepository;
import org.eclipse.microprofile.config.ConfigProvider;

import io.github.ascanalyticssync.destination.Layout;
import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.run.SyncRun;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** Runs syncs in the test application and compares what arrived with the simulator's catalogue. */
final class SyncHarness {

    static final Path REPORTS = Path.of("target/test-data/reports");
    static final Path STATE = Path.of("target/test-data/state");

    private SyncHarness() {
    }

    /** The simulator's control API, at the address the sync under test is given ({@code asc.api.base-url}). */
    static RequestSpecification simulator() {
        return given().baseUri(ConfigProvider.getConfig().getValue("asc.api.base-url", String.class)).contentType("application/json");
    }

    /** A fresh start: simulator dataset, counters and faults reset; no delivered files, an empty ledger. */
    static void freshStart() {
        simulator().post("/simulator/reset").then().statusCode(200);
        ledger("deliveryLedger").clear();
        ledger("instanceLedger").clear();
        CDI.current().select(StateStore.class).get().clear();
        deleteTree(REPORTS);
        deleteTree(STATE.resolve("staging"));
        deleteTree(STATE.resolve("segments"));
    }

    static IdempotentRepository ledger(String name) {
        return CDI.current().select(IdempotentRepository.class, jakarta.enterprise.inject.literal.NamedLiteral.of(name)).get();
    }

    static SyncRun.Summary sync() {
        CDI.current().select(ProducerTemplate.class).get().requestBody("direct:asc-run", (Object) null);
        return CDI.current().select(SyncRun.class).get().lastSummary();
    }

    static JsonPath catalogue(Map<String, ?> filter) {
        return simulator().queryParams(filter).get("/simulator/catalogue").then().statusCode(200).extract().jsonPath();
    }

    static long downloads() {
        List<Map<String, Object>> list = simulator().get("/simulator/downloads").then().statusCode(200).extract().jsonPath().getList("downloads");
        return list.stream().mapToLong(d -> ((Number) d.get("started")).longValue()).sum();
    }

    static Map<String, Object> callsByEndpoint() {
        return simulator().get("/simulator/calls").then().statusCode(200).extract().jsonPath().getMap("byEndpoint");
    }

    /** How many calls the simulator answered with this HTTP status since its counters were last reset. */
    static long calls(int status) {
        List<Map<String, Object>> calls = simulator().get("/simulator/calls").then().statusCode(200).extract().jsonPath().getList("calls");
        return calls.stream().filter(c -> ((Number) c.get("status")).intValue() == status).mapToLong(c -> ((Number) c.get("count")).longValue()).sum();
    }

    static Path segmentFile(Map<String, Object> s) {
        return REPORTS.resolve(Layout.segmentFile(Layout.instanceDir(String.valueOf(s.get("appId")), String.valueOf(s.get("accessType")), String.valueOf(s.get("reportName")),
                String.valueOf(s.get("granularity")), String.valueOf(s.get("processingDate"))), String.valueOf(s.get("segmentId"))));
    }

    /** Every catalogue segment is in the folder with the announced size and MD5, and nothing else is. */
    static void assertDeliveredExactly(List<Map<String, Object>> segments) {
        for (Map<String, Object> s : segments) {
            Path file = segmentFile(s);
            assertTrue(Files.exists(file), "delivered: " + file);
            assertEquals(((Number) s.get("sizeInBytes")).longValue(), size(file), "size of " + file);
            assertEquals(s.get("checksum"), TestFiles.md5(file), "bytes of " + file);
        }
        assertEquals(segments.size(), segmentFiles().size(), "no other segment files");
        assertEquals(List.of(), leftovers(), "no temporary files left");
    }

    static List<Path> segmentFiles() {
        return files(p -> p.getFileName().toString().endsWith(".tsv.gz"));
    }

    static List<Path> leftovers() {
        return files(p -> p.getFileName().toString().startsWith("."));
    }

    static List<Path> files(java.util.function.Predicate<Path> which) {
        if (!Files.exists(REPORTS)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(REPORTS)) {
            return walk.filter(Files::isRegularFile).filter(which).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The segments the simulator offers today in the given categories. */
    static List<Map<String, Object>> expected(String... categories) {
        List<Map<String, Object>> all = new java.util.ArrayList<>();
        for (String category : categories) {
            all.addAll(catalogue(Map.of("category", category)).getList("segments"));
        }
        return all;
    }

    /**
     * The segments a key's sync delivers last (oldest processing date first across its apps and reports): the DAILY
     * instances of the newest processing date of the app whose id sorts last.
     */
    static List<Map<String, Object>> walkedLast(List<Map<String, Object>> segments) {
        String app = segments.stream().map(s -> String.valueOf(s.get("appId"))).max(String::compareTo).orElseThrow();
        String newest = segments.stream().map(s -> String.valueOf(s.get("processingDate"))).max(String::compareTo).orElseThrow();
        return segments.stream().filter(s -> app.equals(s.get("appId")) && newest.equals(s.get("processingDate")) && "DAILY".equals(s.get("granularity")))
                .toList();
    }

    /** A file where each of the segments' instance folders should be: the local folder cannot take them. */
    static List<Path> blockInstanceFoldersOf(List<Map<String, Object>> segments) throws IOException {
        List<Path> blockers = new java.util.ArrayList<>();
        for (Path dir : segments.stream().map(s -> segmentFile(s).getParent()).distinct().toList()) {
            Files.createDirectories(dir.getParent());
            blockers.add(Files.writeString(dir, "a file where the instance's folder should be"));
        }
        return blockers;
    }

    /** Removes the files {@link #blockInstanceFoldersOf} put in the way: the local folder can take the segments again. */
    static void unblock(List<Path> blockers) throws IOException {
        for (Path blocker : blockers) {
            Files.delete(blocker);
        }
    }

    /** The Prometheus text at /q/metrics. */
    static String metricsText() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    static void deleteTree(Path root) {
        TestFiles.deleteTree(root);
    }

}
