package io.github.ascanalyticssync.simulator;

import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Item 3: JSON:API paging, filters, array parameters, sparse fieldsets and {@code include=reports}. */
@QuarkusTest
class JsonApiTest {

    private String request;

    @BeforeEach
    void setUp() {
        Sim.reset();
        request = Sim.ongoingRequest(Sim.app(0));
    }

    @Test
    void theDefaultPageIs50AndTheNextLinkIsAbsoluteWithACursor() {
        Response first = Sim.as(Tokens.ADMIN).get("/v1/analyticsReportRequests/{id}/reports", request);
        first.then().statusCode(200).body("data", hasSize(50)).body("meta.paging.limit", equalTo(50))
                .body("meta.paging.total", equalTo(116))
                .body("links.self", equalTo(Sim.api() + "/v1/analyticsReportRequests/" + request + "/reports"))
                .body("links.next", matchesPattern("^http://127\\.0\\.0\\.1:\\d+/v1/analyticsReportRequests/" + request
                        + "/reports\\?cursor=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"));
    }

    @Test
    void followingNextVisitsEveryItemOnceAndTheLastPageHasNoNext() {
        List<Response> pages = Sim.allPages(Tokens.ADMIN, "/v1/analyticsReportRequests/" + request + "/reports", Map.of("limit", 7));
        List<String> ids = new ArrayList<>();
        pages.forEach(p -> ids.addAll(p.jsonPath().getList("data.id")));
        assertEquals(17, pages.size(), "116 reports in pages of 7");
        assertEquals(116, ids.size());
        assertEquals(116, new HashSet<>(ids).size(), "no report twice");
        pages.get(pages.size() - 1).then().body("links.next", nullValue()).body("data", hasSize(116 - 16 * 7));
        // the query is repeated in every next link, so the page size stays
        pages.subList(1, pages.size()).forEach(p -> p.then().body("meta.paging.limit", equalTo(7)));
    }

    @Test
    void pagingWorksOnEveryCollection() {
        String app = Sim.app(0);
        String report = "r2-" + request;
        int instances = Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/instances", report).jsonPath().getInt("meta.paging.total");
        assertTrue(instances > 2, "the seeded request has several App Crashes instances");
        List<String> paged = new ArrayList<>();
        Sim.allPages(Tokens.ADMIN, "/v1/analyticsReports/" + report + "/instances", Map.of("limit", 1))
                .forEach(p -> paged.addAll(p.jsonPath().getList("data.id")));
        assertEquals(instances, paged.size());
        assertEquals(instances, new HashSet<>(paged).size());
        List<String> linkages = new ArrayList<>();
        Sim.allPages(Tokens.ADMIN, "/v1/analyticsReports/" + report + "/relationships/instances", Map.of("limit", 2))
                .forEach(p -> linkages.addAll(p.jsonPath().getList("data.id")));
        assertEquals(paged, linkages);
        Sim.allPages(Tokens.ADMIN, "/v1/apps/" + app + "/analyticsReportRequests", Map.of("limit", 1));
    }

    @Test
    void linksCarryPercentEncodedBracketsAndFollowingThemWorks() {
        String path = "/v1/analyticsReports/r2-" + request + "/instances";
        Response first = Sim.as(Tokens.ADMIN).urlEncodingEnabled(false).get(path + "?filter[granularity]=DAILY&limit=1");
        first.then().statusCode(200).body("links.self", equalTo(Sim.api() + path + "?filter%5Bgranularity%5D=DAILY&limit=1"))
                .body("links.next", matchesPattern("^" + Pattern.quote(Sim.api() + path) + "\\?cursor=[A-Za-z0-9_.-]+"
                        + Pattern.quote("&filter%5Bgranularity%5D=DAILY&limit=1") + "$"));
        int total = first.jsonPath().getInt("meta.paging.total");
        List<String> ids = new ArrayList<>();
        String next = first.jsonPath().getString("links.next");
        ids.addAll(first.jsonPath().getList("data.id"));
        while (next != null) {
            Response page = Sim.as(Tokens.ADMIN).urlEncodingEnabled(false).get(next);
            page.then().statusCode(200).body("meta.paging.limit", equalTo(1)).body("data.attributes.granularity", everyItem(equalTo("DAILY")))
                    .body("links.self", not(containsString("[")));
            ids.addAll(page.jsonPath().getList("data.id"));
            next = page.jsonPath().getString("links.next");
        }
        assertTrue(total > 1, "several pages: " + total);
        assertEquals(total, ids.size(), "every DAILY instance, page by page");
        assertEquals(total, new HashSet<>(ids).size());
    }

    @Test
    void limitsAreEnforced() {
        Sim.as(Tokens.ADMIN).queryParam("limit", 200).get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(200)
                .body("data", hasSize(116)).body("links", not(hasKey("next")));
        for (Object bad : new Object[] { 201, 0, "ten" }) {
            Response r = Sim.as(Tokens.ADMIN).queryParam("limit", bad).get("/v1/analyticsReportRequests/{id}/reports", request);
            r.then().statusCode(400).body("errors[0].code", equalTo("PARAMETER_ERROR.INVALID"))
                    .body("errors[0].source.parameter", equalTo("limit"));
            OpenApiContract.assertValid("analyticsReportRequests_reports_getToManyRelated", 400, r.asString());
        }
        Sim.as(Tokens.ADMIN).queryParam("include", "reports").queryParam("limit[reports]", 51)
                .get("/v1/analyticsReportRequests/{id}", request).then().statusCode(400)
                .body("errors[0].source.parameter", equalTo("limit[reports]"));
    }

    @Test
    void aForgedCursorIsRefused() {
        Sim.as(Tokens.ADMIN).queryParam("cursor", "AAAA.bogus").get("/v1/analyticsReportRequests/{id}/reports", request).then()
                .statusCode(400).body("errors[0].source.parameter", equalTo("cursor"));
    }

    @Test
    void filtersAreValidatedAndApplied() {
        Response wrong = Sim.as(Tokens.ADMIN).queryParam("filter[category]", "APP_STORE_COMMERCE")
                .get("/v1/analyticsReportRequests/{id}/reports", request);
        wrong.then().statusCode(400).body("errors[0].code", equalTo("PARAMETER_ERROR.INVALID"))
                .body("errors[0].source.parameter", equalTo("filter[category]"));
        OpenApiContract.assertValid("analyticsReportRequests_reports_getToManyRelated", 400, wrong.asString());

        Sim.as(Tokens.ADMIN).queryParam("filter[category]", "COMMERCE").queryParam("limit", 200)
                .get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(200)
                .body("data.attributes.category", everyItem(equalTo("COMMERCE"))).body("data", hasSize(10));
        Sim.as(Tokens.ADMIN).queryParam("filter[category]", "COMMERCE,PERFORMANCE").queryParam("limit", 200)
                .get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(200)
                .body("data.attributes.category", everyItem(in(List.of("COMMERCE", "PERFORMANCE")))).body("data", hasSize(27));
        Sim.as(Tokens.ADMIN).queryParam("filter[name]", "App Crashes,App Downloads Standard")
                .get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(200)
                .body("data.id", contains("r3-" + request, "r2-" + request));

        Sim.as(Tokens.ADMIN).queryParam("filter[granularity]", "DAILY,MONTHLY").queryParam("limit", 200)
                .get("/v1/analyticsReports/{id}/instances", "r2-" + request).then().statusCode(200)
                .body("data.attributes.granularity", everyItem(in(List.of("DAILY", "MONTHLY"))));
        Sim.as(Tokens.ADMIN).queryParam("filter[granularity]", "HOURLY").get("/v1/analyticsReports/{id}/instances", "r2-" + request)
                .then().statusCode(400).body("errors[0].source.parameter", equalTo("filter[granularity]"));
        Sim.as(Tokens.ADMIN).queryParam("filter[processingDate]", "2026-03-05").get("/v1/analyticsReports/{id}/instances", "r2-" + request)
                .then().statusCode(200).body("data.attributes.processingDate", everyItem(equalTo("2026-03-05"))).body("data", hasSize(2));
        Sim.as(Tokens.ADMIN).queryParam("filter[processingDate]", "05/03/2026").get("/v1/analyticsReports/{id}/instances", "r2-" + request)
                .then().statusCode(400).body("errors[0].source.parameter", equalTo("filter[processingDate]"));
        Sim.as(Tokens.ADMIN).queryParam("filter[accessType]", "ONE_TIME_SNAPSHOT").get("/v1/apps/{id}/analyticsReportRequests", Sim.app(0))
                .then().statusCode(200).body("data", hasSize(0));
    }

    @Test
    void unknownParametersAreRefused() {
        Sim.as(Tokens.ADMIN).queryParam("sort", "name").get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(400)
                .body("errors[0].code", equalTo("PARAMETER_ERROR.ILLEGAL"))
                .body("errors[0].title", equalTo("A given parameter is not allowed for this request"))
                .body("errors[0].detail", equalTo("The parameter 'sort' can not be used with this request"));
        Sim.as(Tokens.ADMIN).queryParam("filter[state]", "x").get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(400)
                .body("errors[0].code", equalTo("PARAMETER_ERROR.INVALID")).body("errors[0].detail", equalTo("'state' is not a valid filter type"));
    }

    @Test
    void sparseFieldsetsOmitWhatWasNotAskedFor() {
        Response r = Sim.as(Tokens.ADMIN).queryParam("fields[analyticsReports]", "name")
                .get("/v1/analyticsReportRequests/{id}/reports", request);
        r.then().statusCode(200).body("data[0].attributes", aMapWithSize(1)).body("data[0].attributes.name", equalTo("App Store Discovery and Engagement Standard"))
                .body("data[0]", not(hasKey("relationships")));
        OpenApiContract.assertValid("analyticsReportRequests_reports_getToManyRelated", 200, r.asString());
        Sim.as(Tokens.ADMIN).queryParam("fields[analyticsReportRequests]", "stoppedDueToInactivity")
                .get("/v1/analyticsReportRequests/{id}", request).then().statusCode(200)
                .body("data.attributes", equalTo(Map.of("stoppedDueToInactivity", false)));
        String instance = Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/instances", "r2-" + request).jsonPath().getString("data[0].id");
        Sim.as(Tokens.ADMIN).queryParam("fields[analyticsReportSegments]", "checksum,sizeInBytes")
                .get("/v1/analyticsReportInstances/{id}/segments", instance).then().statusCode(200)
                .body("data[0].attributes", not(hasKey("url")));
        Sim.as(Tokens.ADMIN).queryParam("fields[analyticsReports]", "state")
                .get("/v1/analyticsReportRequests/{id}/reports", request).then().statusCode(400);
    }

    @Test
    void limitOfReportsWithoutIncludeIsIgnoredAsApple() {
        Sim.as(Tokens.ADMIN).queryParam("limit[reports]", 3).get("/v1/apps/{id}/analyticsReportRequests", Sim.app(0)).then()
                .statusCode(200).body("data", not(empty())).body("included", nullValue())
                .body("data[0].relationships.reports.data", nullValue());
    }

    @Test
    void includeReportsAddsLinkagesAndIncludedResources() {
        Response r = Sim.as(Tokens.ADMIN).queryParam("include", "reports").queryParam("limit[reports]", 3)
                .queryParam("fields[analyticsReports]", "name,category").get("/v1/apps/{id}/analyticsReportRequests", Sim.app(0));
        r.then().statusCode(200)
                .body("data[0].relationships.reports.data", hasSize(3))
                .body("data[0].relationships.reports.meta.paging.total", equalTo(116))
                .body("included", hasSize(3))
                .body("included[0].type", equalTo("analyticsReports"))
                .body("included[0].id", startsWith("r14-"));
        OpenApiContract.assertValid("apps_analyticsReportRequests_getToManyRelated", 200, r.asString());
        Response single = Sim.as(Tokens.ADMIN).queryParam("include", "reports").get("/v1/analyticsReportRequests/{id}", request);
        single.then().statusCode(200).body("included", hasSize(10));
        OpenApiContract.assertValid("analyticsReportRequests_getInstance", 200, single.asString());
        Sim.as(Tokens.ADMIN).queryParam("include", "instances").get("/v1/analyticsReportRequests/{id}", request).then().statusCode(400);
    }
}
