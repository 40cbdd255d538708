package io.github.ascanalyticssync.simulator;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.simulator.Model.Instance;
import io.github.ascanalyticssync.simulator.Model.Segment;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/** Item 5: the generated catalogue, schedules, restatements and segment files. */
@QuarkusTest
class DataTest {

    private final World world = SimulatorTestResource.running().world();

    private final SegmentFiles files = SimulatorTestResource.running().segmentFiles();

    private String request;

    @BeforeEach
    void setUp() {
        Sim.reset();
        request = Sim.ongoingRequest(Sim.app(0));
    }

    @Test
    void theCatalogueHasApplesReportsWithTheirCodes() {
        JsonPath reports = Sim.as(Tokens.ADMIN).queryParam("limit", 200).get("/v1/analyticsReportRequests/{id}/reports", request)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(116, reports.getList("data").size());
        Map<String, String> known = Map.of("r2", "App Crashes", "r3", "App Downloads Standard", "r12", "App Store Purchases Standard",
                "r14", "App Store Discovery and Engagement Standard", "r19", "Streaming Playback Performance",
                "r20", "Streaming Downloads Performance", "r23", "AirPlay Performance", "r142", "App Crashes Expanded",
                "r143", "App Storage Reads and Writes");
        known.forEach((code, name) -> assertEquals(name,
                reports.getString("data.find { it.id == '" + code + "-" + request + "' }.attributes.name"), code));
        assertEquals(Set.of("APP_USAGE", "APP_STORE_ENGAGEMENT", "COMMERCE", "FRAMEWORK_USAGE", "PERFORMANCE"),
                new HashSet<>(reports.getList("data.attributes.category")));
        List<String> ids = reports.getList("data.id");
        assertTrue(ids.stream().allMatch(id -> id.matches("r\\d+-" + request)), "ids are r<N>-<requestId>");
        assertEquals(116, new HashSet<>(ids).size());
    }

    @Test
    void dailyEveryDayWeeklyOnFridaysMonthlyOnTheFifth() {
        Sim.resetTo("2026-02-01"); // the seeded request is created on 2026-02-01 minus 4 days
        String ongoing = Sim.ongoingRequest(Sim.app(0));
        for (int i = 0; i < 3; i++) {
            Sim.advanceDays(10); // reads in between keep the request alive
            Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}/reports", ongoing).then().statusCode(200);
        }
        JsonPath instances = Sim.as(Tokens.ADMIN).queryParam("limit", 200).get("/v1/analyticsReports/{id}/instances", "r14-" + ongoing)
                .then().statusCode(200).extract().jsonPath();
        Map<String, Set<LocalDate>> byGranularity = new HashMap<>();
        List<Map<String, String>> attrs = instances.getList("data.attributes");
        attrs.forEach(a -> byGranularity.computeIfAbsent(a.get("granularity"), g -> new TreeSet<>()).add(LocalDate.parse(a.get("processingDate"))));
        Set<LocalDate> daily = byGranularity.get("DAILY");
        LocalDate first = daily.iterator().next();
        assertEquals(LocalDate.parse("2026-03-03").toEpochDay() - first.toEpochDay() + 1, daily.size(), "one DAILY instance per day");
        assertTrue(byGranularity.get("WEEKLY").stream().allMatch(d -> d.getDayOfWeek() == DayOfWeek.FRIDAY));
        assertEquals(5, byGranularity.get("WEEKLY").size(), "the Fridays from 2026-01-30 to 2026-02-27");
        assertEquals(Set.of(LocalDate.parse("2026-02-05")), byGranularity.get("MONTHLY"));
        List<String> ordered = instances.getList("data.attributes.processingDate");
        assertEquals(ordered.stream().sorted().toList(), ordered, "ascending by processing date");
    }

    @Test
    void segmentsAreGzipTsvWithTheReportsColumnsAndRestatedDates() throws IOException {
        String instance = Sim.as(Tokens.ADMIN).queryParam("filter[processingDate]", "2026-03-05").queryParam("filter[granularity]", "DAILY")
                .get("/v1/analyticsReports/{id}/instances", "r3-" + request).then().statusCode(200).extract().jsonPath().getString("data[0].id");
        JsonPath segments = Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}/segments", instance).then().statusCode(200)
                .extract().jsonPath();
        Set<String> dates = new TreeSet<>();
        for (int s = 0; s < segments.getList("data").size(); s++) {
            byte[] body = RestAssured.given().urlEncodingEnabled(false).get(segments.getString("data[" + s + "].attributes.url"))
                    .then().statusCode(200).extract().asByteArray();
            assertEquals(segments.getLong("data[" + s + "].attributes.sizeInBytes"), body.length, "sizeInBytes is the gzip length");
            assertEquals(segments.getString("data[" + s + "].attributes.checksum"), md5(body), "checksum is the MD5 of the gzip bytes");
            assertArrayEquals(new byte[] { 0x1f, (byte) 0x8b }, new byte[] { body[0], body[1] });
            List<String> lines = gunzipLines(body);
            assertEquals("Date\tApp Name\tApp Apple Identifier\tDownload Type\tApp Version\tDevice\tPlatform Version\tSource Type\tPage Type\t"
                    + "Pre-Order\tTerritory\tCounts", lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.split("\t", -1);
                assertEquals(12, fields.length, line);
                assertEquals(Sim.app(0), fields[2]);
                dates.add(fields[0]);
            }
        }
        // App Downloads completes within 2 days: processing date 2026-03-05 restates 03-03 and 03-04
        assertTrue(Set.of("2026-03-03", "2026-03-04").containsAll(dates) && !dates.isEmpty(), dates.toString());
    }

    @Test
    void weeklyAndMonthlyRowsCarryTheFirstDayOfTheirPeriod() throws IOException {
        Map<String, String> expected = Map.of("WEEKLY", "2026-02-23", "MONTHLY", "2026-02-01");
        for (String granularity : expected.keySet()) {
            String instance = Sim.as(Tokens.ADMIN).queryParam("filter[granularity]", granularity)
                    .get("/v1/analyticsReports/{id}/instances", "r14-" + request).then().statusCode(200).extract().jsonPath().getString("data[0].id");
            List<String> urls = Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}/segments", instance).then().statusCode(200)
                    .extract().jsonPath().getList("data.attributes.url");
            for (String url : urls) {
                byte[] body = RestAssured.given().urlEncodingEnabled(false).get(url).then().statusCode(200).extract().asByteArray();
                gunzipLines(body).stream().skip(1).forEach(line -> assertEquals(expected.get(granularity), line.split("\t")[0]));
            }
        }
    }

    @Test
    void everyInstanceHasASegmentSomeSeveralAndTheDatasetIsDeterministic() {
        JsonPath catalogue = Sim.admin().queryParam("appId", Sim.app(0)).get("/simulator/catalogue").then().statusCode(200).extract().jsonPath();
        int instances = catalogue.getInt("instances");
        List<String> instanceIds = catalogue.getList("segments.instanceId");
        Map<String, Integer> perInstance = new HashMap<>();
        instanceIds.forEach(id -> perInstance.merge(id, 1, Integer::sum));
        assertEquals(instances, perInstance.size(), "every instance has at least one segment, as Apple documents");
        assertTrue(perInstance.values().stream().anyMatch(n -> n > 1), "some instances have several segments");
        assertTrue(catalogue.getList("segments.rows", Integer.class).contains(0), "some segments hold only the header");
        // same seed, same bytes: the introspected checksums match the API's after a reset
        String segmentId = catalogue.getString("segments[0].segmentId");
        String checksum = catalogue.getString("segments[0].checksum");
        Sim.reset();
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportSegments/{id}", segmentId).then().statusCode(200)
                .body("data.attributes.checksum", equalTo(checksum));
    }

    @Test
    void aSnapshotDeliversHistoryOnceAndNothingLater() {
        String snapshot = Sim.as(Tokens.ADMIN).contentType("application/json").body(EndpointsTest.createBody("ONE_TIME_SNAPSHOT", Sim.app(1)))
                .post("/v1/analyticsReportRequests").then().statusCode(201).extract().jsonPath().getString("data.id");
        Sim.advanceDays(2);
        JsonPath first = Sim.as(Tokens.ADMIN).queryParam("filter[granularity]", "MONTHLY").queryParam("limit", 200)
                .get("/v1/analyticsReports/{id}/instances", "r14-" + snapshot).then().statusCode(200).extract().jsonPath();
        List<String> months = first.getList("data.attributes.processingDate");
        assertEquals("2024-02-05", months.get(0), "the first month of the history is January 2024, published on February 5th");
        assertEquals("2026-03-05", months.get(months.size() - 1), "up to the request date");
        int total = Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/instances", "r14-" + snapshot).jsonPath().getInt("meta.paging.total");
        Sim.advanceDays(5);
        assertEquals(total, Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/instances", "r14-" + snapshot).jsonPath().getInt("meta.paging.total"),
                "a snapshot never grows");
    }

    @Test
    void aSnapshotsHistoryStartsWhereApplesReportPageSaysNeverBefore() {
        String snapshot = Sim.as(Tokens.ADMIN).contentType("application/json").body(EndpointsTest.createBody("ONE_TIME_SNAPSHOT", Sim.app(1)))
                .post("/v1/analyticsReportRequests").then().statusCode(201).extract().jsonPath().getString("data.id");
        Sim.advanceDays(2);
        // the default, 2024-01-01: the first week (Monday 2024-01-01) is published on Friday 2024-01-12, the first day on the 2nd
        assertEquals("2024-01-12", firstProcessingDate("r14-" + snapshot, "WEEKLY"));
        assertEquals("2024-01-02", firstProcessingDate("r14-" + snapshot, "DAILY"));
        // App Installs Performance: from 2024-03-01 (reports.tsv), DAILY only
        String installs = Sim.as(Tokens.ADMIN).queryParam("filter[name]", "App Installs Performance")
                .get("/v1/analyticsReportRequests/{id}/reports", snapshot).then().statusCode(200).extract().jsonPath().getString("data[0].id");
        JsonPath instances = Sim.as(Tokens.ADMIN).queryParam("limit", 200).get("/v1/analyticsReports/{id}/instances", installs)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(Set.of("DAILY"), new HashSet<>(instances.getList("data.attributes.granularity")));
        assertEquals("2024-03-02", firstProcessingDate(installs, "DAILY"), "its first Date is 2024-03-01");
    }

    private static String firstProcessingDate(String report, String granularity) {
        return Sim.as(Tokens.ADMIN).queryParam("filter[granularity]", granularity).queryParam("limit", 1)
                .get("/v1/analyticsReports/{id}/instances", report).then().statusCode(200).extract().jsonPath().getString("data[0].attributes.processingDate");
    }

    @Test
    void segmentFilesAreGeneratedAsAStreamInBoundedChunks() throws IOException {
        Instance instance = world.instance(Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/instances", "r2-" + request).jsonPath()
                .getString("data[0].id")).orElseThrow();
        Segment huge = new Segment("huge", instance, 0, 1_000_000);
        long[] largestWrite = { 0 };
        long[] total = { 0 };
        long[] writes = { 0 };
        files.write(huge, new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[1], 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                largestWrite[0] = Math.max(largestWrite[0], len);
                total[0] += len;
                writes[0]++;
            }
        });
        assertTrue(total[0] > 10_000_000, "a million rows make a large file: " + total[0]);
        assertTrue(largestWrite[0] <= 64 * 1024, "bytes leave in chunks of at most 64 KiB, never the whole file: " + largestWrite[0]);
        assertTrue(writes[0] > total[0] / (64 * 1024), "written as it is generated");
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> gunzipLines(byte[] gz) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(new ByteArrayInputStream(gz)), StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }
}
