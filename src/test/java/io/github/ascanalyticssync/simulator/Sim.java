package io.github.ascanalyticssync.simulator;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Test access to the running simulator: its URLs, requests as a given key, the control API. */
final class Sim {

    private Sim() {
    }

    /** The simulator the test resource started, as the application under test knows it: {@code asc.api.base-url}. */
    static String api() {
        return ConfigProvider.getConfig().getValue("asc.api.base-url", String.class);
    }

    /** A request to the API as {@code kid}, with a fresh valid token. */
    static RequestSpecification as(String kid) {
        return given().baseUri(api()).header("Authorization", "Bearer " + Tokens.valid(kid));
    }

    static RequestSpecification admin() {
        return given().baseUri(api()).contentType("application/json");
    }

    /** Back to the configured start: clock, requests, counters, quota and faults. */
    static void reset() {
        admin().post("/simulator/reset").then().statusCode(200);
    }

    /** A reset that seeds the dataset relative to another simulated day. */
    static void resetTo(String today) {
        admin().queryParam("today", today).post("/simulator/reset").then().statusCode(200);
    }

    static JsonPath overview() {
        return admin().get("/simulator").then().statusCode(200).extract().jsonPath();
    }

    static String app(int index) {
        return overview().getString("apps[" + index + "].id");
    }

    static String ongoingRequest(String appId) {
        return as(Tokens.ADMIN).get("/v1/apps/{id}/analyticsReportRequests", appId).then().statusCode(200)
                .extract().jsonPath().getString("data.find { it.attributes.accessType == 'ONGOING' }.id");
    }

    /** Follows {@code links.next} from {@code path} to the last page and returns every page. */
    static List<Response> allPages(String kid, String path, Map<String, ?> query) {
        List<Response> pages = new ArrayList<>();
        Response page = as(kid).queryParams(query).get(path);
        pages.add(page);
        String next = page.then().statusCode(200).extract().jsonPath().getString("links.next");
        while (next != null) {
            page = as(kid).urlEncodingEnabled(false).get(next);
            pages.add(page);
            next = page.then().statusCode(200).extract().jsonPath().getString("links.next");
        }
        return pages;
    }

    static void setClock(String today) {
        admin().body(Map.of("today", today)).put("/simulator/clock").then().statusCode(200);
    }

    static void advanceDays(int days) {
        admin().queryParam("days", days).post("/simulator/clock/advance").then().statusCode(200);
    }

    static void faults(Map<String, ?> settings) {
        admin().body(settings).put("/simulator/faults").then().statusCode(200);
    }

    /** Calls to one endpoint, all statuses and keys. */
    static long calls(String endpoint) {
        Object n = admin().get("/simulator/calls").then().statusCode(200).extract().jsonPath().get("byEndpoint." + endpoint);
        return n == null ? 0 : ((Number) n).longValue();
    }
}
