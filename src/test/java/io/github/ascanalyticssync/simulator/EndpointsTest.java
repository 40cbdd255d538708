package io.github.ascanalyticssync.simulator;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Item 2: every analytics operation of the reference answers, with a body valid against Apple's OpenAPI extract,
 * and so do the errors around them (unknown ids and paths, refused collections).
 */
@QuarkusTest
class EndpointsTest {

    private final Set<String> exercised = new TreeSet<>();
    private String app;
    private String request;
    private String report;
    private String instance;
    private String segment;

    @BeforeEach
    void walkToASegment() {
        Sim.reset();
        app = Sim.app(0);
        request = Sim.ongoingRequest(app);
        report = "r2-" + request;
        instance = Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/instances", report).then().statusCode(200)
                .extract().jsonPath().getString("data[0].id");
        segment = Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}/segments", instance).then().statusCode(200)
                .extract().jsonPath().getString("data[0].id");
    }

    private Response check(String operation, int status, Response response) {
        response.then().statusCode(status);
        OpenApiContract.assertValid(operation, status, response.asString());
        exercised.add(operation);
        return response;
    }

    @Test
    void everyOperationAnswersWithApplesShapes() {
        check("apps_analyticsReportRequests_getToManyRelated", 200, Sim.as(Tokens.ADMIN).get("/v1/apps/{id}/analyticsReportRequests", app))
                .then().body("data[0].type", equalTo("analyticsReportRequests"))
                .body("data[0].relationships.reports.links.related", equalTo(Sim.api() + "/v1/analyticsReportRequests/" + request + "/reports"));
        check("apps_analyticsReportRequests_getToManyRelationship", 200,
                Sim.as(Tokens.ADMIN).get("/v1/apps/{id}/relationships/analyticsReportRequests", app))
                .then().body("data[0]", equalTo(Map.of("type", "analyticsReportRequests", "id", request)));
        check("analyticsReportRequests_getInstance", 200, Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}", request))
                .then().body("data.attributes.accessType", equalTo("ONGOING"))
                .body("links.self", equalTo(Sim.api() + "/v1/analyticsReportRequests/" + request));
        check("analyticsReportRequests_reports_getToManyRelated", 200, Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}/reports", request))
                .then().body("meta.paging.total", equalTo(116));
        check("analyticsReportRequests_reports_getToManyRelationship", 200,
                Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}/relationships/reports", request))
                .then().body("data[0].type", equalTo("analyticsReports"));
        check("analyticsReports_getInstance", 200, Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}", report))
                .then().body("data.attributes", equalTo(Map.of("name", "App Crashes", "category", "APP_USAGE")));
        check("analyticsReports_instances_getToManyRelated", 200, Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/instances", report));
        check("analyticsReports_instances_getToManyRelationship", 200, Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/relationships/instances", report))
                .then().body("data[0].id", equalTo(instance));
        check("analyticsReportInstances_getInstance", 200, Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}", instance))
                .then().body("data.attributes.granularity", notNullValue());
        check("analyticsReportInstances_segments_getToManyRelated", 200,
                Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}/segments", instance))
                .then().body("data[0].attributes.checksum", notNullValue());
        check("analyticsReportInstances_segments_getToManyRelationship", 200,
                Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}/relationships/segments", instance))
                .then().body("data[0].id", equalTo(segment));
        check("analyticsReportSegments_getInstance", 200, Sim.as(Tokens.ADMIN).get("/v1/analyticsReportSegments/{id}", segment))
                .then().body("data.attributes.url", startsWith("http://"));

        Response created = check("analyticsReportRequests_createInstance", 201, Sim.as(Tokens.ADMIN).contentType("application/json")
                .body(createBody("ONE_TIME_SNAPSHOT", app)).post("/v1/analyticsReportRequests"));
        created.then().body("data.attributes.stoppedDueToInactivity", equalTo(false))
                .body("links.self", equalTo(Sim.api() + "/v1/analyticsReportRequests"));
        String snapshot = created.jsonPath().getString("data.id");
        check("analyticsReportRequests_deleteInstance", 204, Sim.as(Tokens.ADMIN).delete("/v1/analyticsReportRequests/{id}", snapshot));

        assertEquals(OpenApiContract.operationIds(), exercised, "every operation of the OpenAPI extract is served");
    }

    @Test
    void unknownIdsAnswer404WithApplesBody() {
        String missing = "00000000-0000-4000-8000-000000000000";
        check("analyticsReportRequests_getInstance", 404, Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}", missing))
                .then().body("errors[0].code", equalTo("NOT_FOUND"))
                .body("errors[0].detail", equalTo("There is no resource of type 'analyticsReportRequests' with id '" + missing + "'"));
        check("analyticsReportRequests_deleteInstance", 404, Sim.as(Tokens.ADMIN).delete("/v1/analyticsReportRequests/{id}", missing));
        check("analyticsReportRequests_reports_getToManyRelated", 404, Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}/reports", missing));
        check("analyticsReports_getInstance", 404, Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}", "r999-" + request));
        check("analyticsReports_instances_getToManyRelated", 404, Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/instances", "r2-" + missing));
        check("analyticsReportInstances_getInstance", 404, Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}", missing))
                .then().body("errors[0].detail", equalTo("There is no resource of type 'analyticsReportInstances' with id '" + missing + "'"));
        check("analyticsReportInstances_segments_getToManyRelated", 404, Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}/segments", missing));
        check("analyticsReportSegments_getInstance", 404, Sim.as(Tokens.ADMIN).get("/v1/analyticsReportSegments/{id}", missing));
        check("apps_analyticsReportRequests_getToManyRelated", 404, Sim.as(Tokens.ADMIN).get("/v1/apps/{id}/analyticsReportRequests", "123"))
                .then().body("errors[0].detail", equalTo("There is no resource of type 'apps' with id '123'"));
    }

    @Test
    void aDeletedRequestAndEverythingBelowItAre404() {
        Sim.as(Tokens.ADMIN).delete("/v1/analyticsReportRequests/{id}", request).then().statusCode(204);
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}", request).then().statusCode(404);
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}", report).then().statusCode(404);
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}", instance).then().statusCode(404);
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportSegments/{id}", segment).then().statusCode(404);
        Sim.as(Tokens.ADMIN).get("/v1/apps/{id}/analyticsReportRequests", app).then().statusCode(200).body("data", hasSize(0))
                .body("meta.paging.total", equalTo(0));
    }

    @Test
    void whatAppleRefusesIsRefused() {
        Response collection = Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests");
        collection.then().statusCode(403).body("errors[0].code", equalTo("FORBIDDEN_ERROR"))
                .body("errors[0].detail", equalTo("The resource 'analyticsReportRequests' does not allow 'GET_COLLECTION'. "
                        + "Allowed operations are: CREATE, DELETE, GET_INSTANCE"));
        OpenApiContract.assertValid("analyticsReportRequests_getInstance", 403, collection.asString());
        Sim.as(Tokens.ADMIN).contentType("application/json").body("{}").patch("/v1/analyticsReportRequests/{id}", request).then().statusCode(403)
                .body("errors[0].detail", startsWith("The resource 'analyticsReportRequests' does not allow 'UPDATE'"));
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReports").then().statusCode(403);
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/segments", report).then().statusCode(404)
                .body("errors[0].title", equalTo("The URL path is not valid"))
                .body("errors[0].detail", equalTo("The relationship 'segments' does not exist"));
        Sim.as(Tokens.ADMIN).get("/v1/analyticsReportz").then().statusCode(404)
                .body("errors[0].detail", equalTo("The path provided does not match a defined resource type."));
        Sim.as(Tokens.ADMIN).get("/v2/anything").then().statusCode(404).body("errors[0].code", equalTo("NOT_FOUND"));
    }

    @Test
    void appsArePagedAndFilterable() {
        Sim.as(Tokens.ADMIN).queryParam("limit", 1).get("/v1/apps").then().statusCode(200)
                .body("data", hasSize(1)).body("meta.paging.total", equalTo(2)).body("links.next", notNullValue());
        Sim.as(Tokens.ADMIN).queryParam("filter[id]", app).get("/v1/apps").then().statusCode(200)
                .body("data", hasSize(1)).body("data[0].id", equalTo(app));
        Sim.as(Tokens.ADMIN).get("/v1/apps/{id}", app).then().statusCode(200).body("data.attributes.bundleId", notNullValue());
    }

    static Map<String, Object> createBody(String accessType, String appId) {
        return Map.of("data", Map.of("type", "analyticsReportRequests", "attributes", Map.of("accessType", accessType),
                "relationships", Map.of("app", Map.of("data", Map.of("type", "apps", "id", appId)))));
    }
}
