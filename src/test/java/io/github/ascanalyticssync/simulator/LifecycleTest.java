package io.github.ascanalyticssync.simulator;

import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Item 4: creating, refusing, deleting and stopping report requests, and when instances appear and vanish. */
@QuarkusTest
class LifecycleTest {

    private static final String CREATE = "analyticsReportRequests_createInstance";
    private String app;

    @BeforeEach
    void setUp() {
        Sim.reset();
        app = Sim.app(0);
    }

    private Response create(String accessType) {
        return Sim.as(Tokens.ADMIN).contentType("application/json").body(EndpointsTest.createBody(accessType, app))
                .post("/v1/analyticsReportRequests");
    }

    private void assertStateError(Response r) {
        r.then().statusCode(409).body("errors[0].code", equalTo("STATE_ERROR"))
                .body("errors[0].title", equalTo("The request cannot be fulfilled because of the state of another resource."))
                .body("errors[0].detail", equalTo("You already have such an entity"));
        OpenApiContract.assertValid(CREATE, 409, r.asString());
    }

    private List<String> processingDates(String requestId, String reportCode) {
        return Sim.as(Tokens.ADMIN).queryParam("limit", 200).get("/v1/analyticsReports/{id}/instances", reportCode + "-" + requestId)
                .then().statusCode(200).extract().jsonPath().getList("data.attributes.processingDate");
    }

    private boolean stopped(String requestId) {
        return Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}", requestId).then().statusCode(200)
                .extract().jsonPath().getBoolean("data.attributes.stoppedDueToInactivity");
    }

    @Test
    void aSecondRequestOfTheSameAccessTypeIsAStateError() {
        assertStateError(create("ONGOING"));
        Response snapshot = create("ONE_TIME_SNAPSHOT");
        snapshot.then().statusCode(201).body("data.attributes.accessType", equalTo("ONE_TIME_SNAPSHOT"));
        assertStateError(create("ONE_TIME_SNAPSHOT"));
        Sim.as(Tokens.ADMIN).get("/v1/apps/{id}/analyticsReportRequests", app).then().body("data", hasSize(2));
    }

    @Test
    void deleteIs204AndTheIdIsGoneThenANewRequestMayBeCreated() {
        String ongoing = Sim.ongoingRequest(app);
        Sim.as(Tokens.ADMIN).delete("/v1/analyticsReportRequests/{id}", ongoing).then().statusCode(204);
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}", ongoing).then().statusCode(404);
        Sim.as(Tokens.ADMIN).delete("/v1/analyticsReportRequests/{id}", ongoing).then().statusCode(404);
        Response again = create("ONGOING");
        again.then().statusCode(201);
        OpenApiContract.assertValid(CREATE, 201, again.asString());
        assertTrue(!again.jsonPath().getString("data.id").equals(ongoing), "a new id");
    }

    @Test
    void oneSnapshotPer31DaysCountingDeletedOnes() {
        String snapshot = create("ONE_TIME_SNAPSHOT").then().statusCode(201).extract().jsonPath().getString("data.id");
        Sim.as(Tokens.ADMIN).delete("/v1/analyticsReportRequests/{id}", snapshot).then().statusCode(204);
        assertStateError(create("ONE_TIME_SNAPSHOT"));
        Sim.advanceDays(30);
        assertStateError(create("ONE_TIME_SNAPSHOT"));
        Sim.advanceDays(1);
        create("ONE_TIME_SNAPSHOT").then().statusCode(201);
    }

    @Test
    void anUnreadRequestStopsProducingAndStaysInTheWayUntilDeleted() {
        String ongoing = Sim.ongoingRequest(app);
        List<String> before = processingDates(ongoing, "r2");
        assertTrue(!stopped(ongoing));
        Sim.advanceDays(30);
        assertTrue(!stopped(ongoing), "30 idle days are allowed");
        Sim.advanceDays(1);
        assertTrue(stopped(ongoing), "stopped after more than 30 days without a read");
        List<String> after = processingDates(ongoing, "r2");
        String lastBefore = before.get(before.size() - 1);
        String lastAfter = after.get(after.size() - 1);
        assertEquals(LocalDate.parse("2026-03-06").plusDays(30).toString(), lastAfter, "instances up to the last day before the stop");
        Sim.advanceDays(5);
        assertEquals(lastAfter, last(processingDates(ongoing, "r2")), "no new instances once stopped");
        assertTrue(lastBefore.compareTo(lastAfter) < 0);
        Sim.as(Tokens.ADMIN).queryParam("filter[accessType]", "ONGOING").get("/v1/apps/{id}/analyticsReportRequests", app).then()
                .body("data[0].attributes.stoppedDueToInactivity", equalTo(true));
        assertStateError(create("ONGOING"));
        Sim.as(Tokens.ADMIN).delete("/v1/analyticsReportRequests/{id}", ongoing).then().statusCode(204);
        create("ONGOING").then().statusCode(201).body("data.attributes.stoppedDueToInactivity", equalTo(false));
    }

    @Test
    void readsKeepARequestAliveAndInstancesAreKept35Days() {
        String ongoing = Sim.ongoingRequest(app);
        for (int i = 0; i < 6; i++) {
            Sim.advanceDays(10);
            processingDates(ongoing, "r2");
        }
        assertTrue(!stopped(ongoing));
        List<String> dates = processingDates(ongoing, "r2");
        LocalDate today = LocalDate.parse("2026-03-06").plusDays(60);
        assertEquals(today.minusDays(34).toString(), dates.get(0), "the oldest instance is 35 days old");
        assertEquals(today.toString(), last(dates));
    }

    @Test
    void aNewRequestHasNoInstancesForOneToTwoDays() {
        Sim.as(Tokens.ADMIN).delete("/v1/analyticsReportRequests/{id}", Sim.ongoingRequest(app)).then().statusCode(204);
        String fresh = create("ONGOING").then().statusCode(201).extract().jsonPath().getString("data.id");
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}/reports", fresh).then().statusCode(200).body("data", not(empty()));
        assertTrue(processingDates(fresh, "r2").isEmpty(), "nothing on the day of the request");
        Sim.advanceDays(2);
        List<String> dates = processingDates(fresh, "r2");
        assertTrue(!dates.isEmpty(), "instances within two days");
        LocalDate first = LocalDate.parse(dates.get(0));
        LocalDate created = LocalDate.parse("2026-03-06");
        assertTrue(!first.isBefore(created.plusDays(1)) && !first.isAfter(created.plusDays(2)), "first instance 1-2 days later: " + first);
    }

    @Test
    void badCreateBodiesAreRefusedWithAPointer() {
        Response noType = Sim.as(Tokens.ADMIN).contentType("application/json")
                .body(Map.of("data", Map.of("type", "analyticsReportRequests", "relationships",
                        Map.of("app", Map.of("data", Map.of("type", "apps", "id", app))))))
                .post("/v1/analyticsReportRequests");
        noType.then().statusCode(422).body("errors[0].source.pointer", equalTo("/data/attributes/accessType"));
        OpenApiContract.assertValid(CREATE, 422, noType.asString());
        Sim.as(Tokens.ADMIN).contentType("application/json").body("{not json").post("/v1/analyticsReportRequests").then().statusCode(422);
        Sim.as(Tokens.ADMIN).contentType("application/json").body(EndpointsTest.createBody("WEEKLY_SNAPSHOT", app))
                .post("/v1/analyticsReportRequests").then().statusCode(422);
        Response unknownApp = Sim.as(Tokens.ADMIN).contentType("application/json").body(EndpointsTest.createBody("ONGOING", "42"))
                .post("/v1/analyticsReportRequests");
        unknownApp.then().statusCode(409).body("errors[0].code", equalTo("ENTITY_ERROR.RELATIONSHIP.INVALID"));
        OpenApiContract.assertValid(CREATE, 409, unknownApp.asString());
    }

    @Test
    void anUnknownAttributeOrRelationshipIsA409NamingIt() {
        Response unknown = Sim.as(Tokens.ADMIN).contentType("application/json")
                .body(Map.of("data", Map.of("type", "analyticsReportRequests", "attributes", Map.of("accessType", "ONGOING", "name", "Mine"),
                        "relationships", Map.of("app", Map.of("data", Map.of("type", "apps", "id", app))))))
                .post("/v1/analyticsReportRequests");
        unknown.then().statusCode(409).body("errors[0].code", equalTo("ENTITY_ERROR.ATTRIBUTE.UNKNOWN"))
                .body("errors[0].title", equalTo("The provided entity includes an unknown attribute"))
                .body("errors[0].detail", equalTo("'name' is not an attribute on the resource 'analyticsReportRequests'"))
                .body("errors[0].source.pointer", equalTo("/data/attributes/name"));
        OpenApiContract.assertValid(CREATE, 409, unknown.asString());
        Response relationship = Sim.as(Tokens.ADMIN).contentType("application/json")
                .body(Map.of("data", Map.of("type", "analyticsReportRequests", "attributes", Map.of("accessType", "ONE_TIME_SNAPSHOT"),
                        "relationships", Map.of("app", Map.of("data", Map.of("type", "apps", "id", app)),
                                "bundle", Map.of("data", Map.of("type", "bundleIds", "id", "X"))))))
                .post("/v1/analyticsReportRequests");
        relationship.then().statusCode(409).body("errors[0].code", equalTo("ENTITY_ERROR.RELATIONSHIP.UNKNOWN"))
                .body("errors[0].source.pointer", equalTo("/data/relationships/bundle"));
        OpenApiContract.assertValid(CREATE, 409, relationship.asString());
        Sim.as(Tokens.ADMIN).get("/v1/apps/{id}/analyticsReportRequests", app).then().body("data", hasSize(1));
    }

    private static String last(List<String> list) {
        return list.get(list.size() - 1);
    }
}
