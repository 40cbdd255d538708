package io.github.ascanalyticssync.simulator;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The simulated clock's time of day, and instances that appear at an hour of their day, some a day late. */
@QuarkusTest
class PublicationTest {

    private static final String DAY = "2026-03-06";
    private String app;
    private String request;

    @BeforeEach
    void setUp() {
        Sim.reset();
        app = Sim.app(0);
        request = Sim.ongoingRequest(app);
    }

    private static void setNow(String now) {
        Sim.admin().body(Map.of("now", now)).put("/simulator/clock").then().statusCode(200).body("now", equalTo(now));
    }

    private JsonPath catalogue(String processingDate) {
        return Sim.admin().queryParam("appId", app).queryParam("processingDate", processingDate).get("/simulator/catalogue")
                .then().statusCode(200).extract().jsonPath();
    }

    private static List<String> listed(String report, String processingDate) {
        return Sim.as(Tokens.ADMIN).queryParam("filter[processingDate]", processingDate).get("/v1/analyticsReports/{id}/instances", report)
                .then().statusCode(200).extract().jsonPath().getList("data.id");
    }

    @Test
    void theClockIsReadSetAndAdvancedByTheHourOrByTheDay() {
        Sim.admin().get("/simulator/clock").then().statusCode(200).body("now", equalTo(DAY + "T23:59:59Z")).body("today", equalTo(DAY));
        setNow("2026-12-01T05:00:00Z");
        Sim.admin().get("/simulator/clock").then().body("today", equalTo("2026-12-01"));
        Sim.admin().queryParam("hours", 20).post("/simulator/clock/advance").then().statusCode(200)
                .body("now", equalTo("2026-12-02T01:00:00Z")).body("today", equalTo("2026-12-02"));
        Sim.setClock("2026-04-01");
        Sim.admin().get("/simulator/clock").then().body("now", equalTo("2026-04-01T23:59:59Z"));
        Sim.advanceDays(3);
        Sim.admin().get("/simulator/clock").then().body("now", equalTo("2026-04-04T23:59:59Z")).body("today", equalTo("2026-04-04"));
        Sim.admin().body(Map.of("now", "tomorrow")).put("/simulator/clock").then().statusCode(400);
    }

    @Test
    void theDateHeaderIsAnImfFixdateOfTheSimulatedTime() {
        setNow("2026-03-06T05:00:00Z");
        Sim.as(Tokens.ADMIN).get("/v1/apps").then().statusCode(200).header("Date", equalTo("Fri, 06 Mar 2026 05:00:00 GMT"));
    }

    @Test
    void anInstanceIsInvisibleBeforeItsHourAndVisibleFromIt() {
        Map<String, Object> s = catalogue(DAY).<Map<String, Object>>getList("segments").stream()
                .filter(x -> x.get("processingDate").equals(DAY) && !x.get("publishedAt").toString().startsWith(DAY + "T00")).findFirst().orElseThrow();
        String instance = (String) s.get("instanceId");
        String report = (String) s.get("reportId");
        String segment = (String) s.get("segmentId");
        Instant at = Instant.parse((String) s.get("publishedAt"));
        assertEquals(DAY, at.atOffset(ZoneOffset.UTC).toLocalDate().toString(), "published on its processing date");
        assertEquals(0, at.getEpochSecond() % 3600, "at an hour");

        setNow(at.minusSeconds(1).toString());
        assertFalse(listed(report, DAY).contains(instance), "not listed a second before its hour");
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}", instance).then().statusCode(404);
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}/segments", instance).then().statusCode(404);
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportSegments/{id}", segment).then().statusCode(404);
        assertFalse(catalogue(DAY).getList("segments.instanceId").contains(instance), "nor in the catalogue");

        setNow(at.toString());
        assertTrue(listed(report, DAY).contains(instance), "listed from its hour on");
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}", instance).then().statusCode(200)
                .body("data.attributes.processingDate", equalTo(DAY));
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportSegments/{id}", segment).then().statusCode(200);
    }

    @Test
    void aLateInstanceKeepsItsProcessingDateAndAppearsTheNextDay() {
        Sim.admin().body(Map.of("lateShare", 0.5)).put("/simulator/publishing").then().statusCode(200).body("lateShare", equalTo(0.5f));
        Set<String> onTheDay = new HashSet<>(catalogue(DAY).getList("segments.instanceId"));
        Sim.setClock("2026-03-07");
        Map<String, Object> late = catalogue(DAY).<Map<String, Object>>getList("segments").stream()
                .filter(x -> !onTheDay.contains(x.get("instanceId"))).findFirst().orElseThrow();
        assertTrue(late.get("publishedAt").toString().startsWith("2026-03-07T"), late.toString());
        String instance = (String) late.get("instanceId");
        assertTrue(listed((String) late.get("reportId"), DAY).contains(instance), "listed under its own processing date");
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}", instance).then().statusCode(200)
                .body("data.attributes.processingDate", equalTo(DAY));
        Sim.setClock(DAY);
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}", instance).then().statusCode(404);
    }

    @Test
    void theCatalogueAgreesWithTheListingsAtAnyHour() {
        int endOfDay = catalogue(DAY).getInt("instances");
        setNow(DAY + "T12:00:00Z");
        JsonPath catalogue = catalogue(DAY);
        assertEquals(DAY + "T12:00:00Z", catalogue.getString("now"));
        Set<String> listed = new HashSet<>();
        for (String report : Sim.as(Tokens.ADMIN).queryParam("limit", 200).get("/v1/analyticsReportRequests/{id}/reports", request)
                .then().statusCode(200).extract().jsonPath().<String>getList("data.id")) {
            listed.addAll(listed(report, DAY));
        }
        assertEquals(catalogue.getInt("instances"), listed.size(), "as many instances as the listings show");
        assertTrue(listed.containsAll(catalogue.getList("segments.instanceId")), "and the same ones");
        assertTrue(listed.size() > 0 && listed.size() < endOfDay, "at noon some of the day's instances are out, not all: " + listed.size()
                + " of " + endOfDay);
    }

    @Test
    void thePublishHoursCanBeAWindow() {
        Sim.admin().body(Map.of("hours", "4-6")).put("/simulator/publishing").then().statusCode(200).body("hours", equalTo("4-6"));
        Set<String> hours = catalogue(DAY).<String>getList("segments.publishedAt").stream().map(t -> t.substring(11, 13)).collect(Collectors.toSet());
        assertEquals(Set.of("04", "05", "06"), hours);
        Sim.admin().body(Map.of("hours", "25")).put("/simulator/publishing").then().statusCode(400)
                .body(containsString("asc.simulator.data.publish-hours: '25' is not a list of UTC hours"));
    }
}
