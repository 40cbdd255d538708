package io.github.ascanalyticssync.simulator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** The generated rows read as Apple's would: unique counts within their totals, privacy thresholds, real app versions. */
@QuarkusTest
class RowsTest {

    private static final List<String> TOTALS = List.of("Counts", "Count", "Sessions", "Purchases");
    private static final List<String> UNIQUES = List.of("Unique Counts", "Unique Devices", "Paying Users");

    private String request;

    @BeforeEach
    void setUp() {
        Sim.reset();
        request = Sim.ongoingRequest(Sim.app(0));
    }

    /** Every row of every visible instance of the report, as maps from column name to value. */
    private List<Map<String, String>> rows(String reportName) throws IOException {
        String report = Sim.as(Tokens.ADMIN).queryParam("filter[name]", reportName).get("/v1/analyticsReportRequests/{id}/reports", request)
                .then().statusCode(200).extract().jsonPath().getString("data[0].id");
        List<String> instances = Sim.as(Tokens.ADMIN).queryParam("limit", 200).get("/v1/analyticsReports/{id}/instances", report)
                .then().statusCode(200).extract().jsonPath().getList("data.id");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String instance : instances) {
            List<String> urls = Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}/segments", instance).then().statusCode(200)
                    .extract().jsonPath().getList("data.attributes.url");
            for (String url : urls) {
                List<String> lines = DataTest.gunzipLines(RestAssured.given().urlEncodingEnabled(false).get(url).then().statusCode(200)
                        .extract().asByteArray());
                String[] header = lines.get(0).split("\t", -1);
                for (String line : lines.subList(1, lines.size())) {
                    String[] fields = line.split("\t", -1);
                    Map<String, String> row = new java.util.LinkedHashMap<>();
                    for (int i = 0; i < header.length; i++) {
                        row.put(header[i], fields[i]);
                    }
                    rows.add(row);
                }
            }
        }
        assertTrue(rows.size() > 100, reportName + " has rows enough to judge: " + rows.size());
        return rows;
    }

    private static void assertUniquesWithinTotals(String report, List<Map<String, String>> rows) {
        for (Map<String, String> row : rows) {
            String total = TOTALS.stream().filter(row::containsKey).findFirst().orElseThrow();
            for (String unique : UNIQUES) {
                if (row.containsKey(unique)) {
                    assertTrue(Long.parseLong(row.get(unique)) <= Long.parseLong(row.get(total)),
                            report + ": " + unique + " exceeds " + total + " in " + row);
                }
            }
        }
    }

    @Test
    void aUniqueCountNeverExceedsItsTotal() throws IOException {
        for (String report : List.of("App Store Discovery and Engagement Standard", "App Sessions Standard", "App Store Purchases Standard",
                "App Crashes Expanded", "App Crashes")) {
            assertUniquesWithinTotals(report, rows(report));
        }
    }

    @Test
    void installationReportsHaveNoRowUnderFiveUsersAndVersionsRunPastNine() throws IOException {
        boolean twoDigitVersion = false;
        for (String report : List.of("App Store Installation and Deletion Standard", "App Store Installation and Deletion Detailed")) {
            List<Map<String, String>> rows = rows(report);
            assertUniquesWithinTotals(report, rows);
            for (Map<String, String> row : rows) {
                assertTrue(Long.parseLong(row.get("Counts")) >= 5 && Long.parseLong(row.get("Unique Devices")) >= 5,
                        report + ": Apple omits rows of fewer than 5 users: " + row);
                assertTrue(row.get("App Version").matches("\\d+\\.\\d+"), row.toString());
                twoDigitVersion |= row.get("App Version").matches("\\d+\\.\\d{2}");
            }
        }
        assertTrue(twoDigitVersion, "some app versions have a two-digit part, as 1.10");
    }
}
