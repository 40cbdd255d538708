package io.github.ascanalyticssync.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.ascanalyticssync.AppProcess;

/**
 * The packaged application run the way the README's "simulator alone" command runs it (prod profile,
 * asc.simulator.enabled=true, asc.sync.enabled=false), on free ports: any HTTP client can use the simulator's base URL.
 */
class SimulatorAloneIT {

    @TempDir
    Path work;

    private AppProcess.Running process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.process().destroy();
            process.process().waitFor();
        }
    }

    @Test
    void theSimulatorServesOnItsOwnWithTheDemoKey() throws Exception {
        process = AppProcess.start(List.of("-Xmx256m"), Map.of("asc.simulator.enabled", "true", "asc.sync.enabled", "false",
                "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0", "quarkus.http.port", "0"), work);
        String api = AppProcess.awaitSimulator(process, 90).api();

        given().baseUri(api).get("/simulator").then().statusCode(200).body("keys.DEMOKEY001", equalTo("ADMIN"))
                .body("apps", hasSize(2));
        String token = given().baseUri(api).post("/simulator/token").then().statusCode(200).extract().asString();
        String app = given().baseUri(api).get("/simulator").jsonPath().getString("apps[0].id");
        given().baseUri(api).header("Authorization", "Bearer " + token).get("/v1/apps/{id}/analyticsReportRequests", app).then()
                .statusCode(200).body("data[0].attributes.accessType", equalTo("ONGOING"));
        given().baseUri(api).get("/v1/apps").then().statusCode(401);
    }

    @Test
    void withDateHeaderRealTheHeaderKeepsTheWallClockWhateverTheSimulatedDay() throws Exception {
        process = AppProcess.start(List.of("-Xmx256m"), Map.of("asc.simulator.enabled", "true", "asc.sync.enabled", "false",
                "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0", "quarkus.http.port", "0",
                "asc.simulator.data.today", "2024-03-06", "asc.simulator.data.date-header", "real"), work);
        String api = AppProcess.awaitSimulator(process, 90).api();

        given().baseUri(api).get("/simulator/clock").then().statusCode(200).body("today", equalTo("2024-03-06"));
        String token = given().baseUri(api).post("/simulator/token").then().statusCode(200).extract().asString();
        String date = given().baseUri(api).header("Authorization", "Bearer " + token).get("/v1/apps").then().statusCode(200)
                .extract().header("Date");
        Instant announced = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertTrue(Duration.between(announced, Instant.now()).abs().toMinutes() < 5, date + " is the wall clock's time");
    }
}
