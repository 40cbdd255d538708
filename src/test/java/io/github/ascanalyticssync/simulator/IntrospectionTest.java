package io.github.ascanalyticssync.simulator;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Item 9: what tests and benchmarks can ask the simulator. */
@QuarkusTest
class IntrospectionTest {

    @BeforeEach
    void setUp() {
        Sim.reset();
    }

    @Test
    void callsAreCountedByEndpointStatusAndKey() {
        String request = Sim.ongoingRequest(Sim.app(0));
        Sim.as(Tokens.SALES).get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(200);
        Sim.as(Tokens.SALES).get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(200);
        Sim.as(Tokens.DEVELOPER).get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(403);
        JsonPath calls = Sim.admin().get("/simulator/calls").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> list = calls.getList("calls");
        assertEquals(List.of(
                Map.of("endpoint", "analyticsReportRequests_reports_getToManyRelated", "status", 200, "key", Tokens.SALES, "count", 2),
                Map.of("endpoint", "analyticsReportRequests_reports_getToManyRelated", "status", 403, "key", Tokens.DEVELOPER, "count", 1),
                Map.of("endpoint", "apps_analyticsReportRequests_getToManyRelated", "status", 200, "key", Tokens.ADMIN, "count", 1)),
                list.stream().filter(c -> !c.get("endpoint").equals("unknown")).toList());
        assertEquals(3, calls.getInt("byEndpoint.analyticsReportRequests_reports_getToManyRelated"));
        Sim.admin().delete("/simulator/calls").then().statusCode(200);
        assertEquals(0, Sim.calls("analyticsReportRequests_reports_getToManyRelated"));
    }

    @Test
    void theClockCanBeReadSetAndAdvanced() {
        Sim.admin().get("/simulator/clock").then().statusCode(200).body("today", equalTo("2026-03-06"));
        Sim.setClock("2026-04-01");
        Sim.admin().get("/simulator/clock").then().body("today", equalTo("2026-04-01"));
        Sim.advanceDays(3);
        Sim.admin().get("/simulator/clock").then().body("today", equalTo("2026-04-04"));
    }

    @Test
    void theCatalogueListsEverySegmentWithItsExpectedChecksum() {
        JsonPath catalogue = Sim.admin().queryParam("appId", Sim.app(0)).queryParam("report", "App Crashes").get("/simulator/catalogue")
                .then().statusCode(200).extract().jsonPath();
        String request = Sim.ongoingRequest(Sim.app(0));
        int apiSegments = 0;
        for (String instance : Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/instances", "r2-" + request).jsonPath().<String>getList("data.id")) {
            JsonPath segments = Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}/segments", instance).jsonPath();
            for (int i = 0; i < segments.getList("data").size(); i++, apiSegments++) {
                String id = segments.getString("data[" + i + "].id");
                assertEquals(segments.getString("data[" + i + "].attributes.checksum"),
                        catalogue.getString("segments.find { it.segmentId == '" + id + "' }.checksum"));
            }
        }
        assertEquals(apiSegments, catalogue.getInt("segmentCount"));
        Sim.admin().get("/simulator/requests").then().statusCode(200).body("find { it.id == '" + request + "' }.accessType", equalTo("ONGOING"));
    }
}
