package io.github.ascanalyticssync.simulator;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/** Item 6 and the download faults of item 8: presigned-style URLs on a separate storage endpoint, ranges as S3 serves them. */
@QuarkusTest
class DownloadTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String segmentId;
    private String url;
    private String checksum;
    private long size;

    @BeforeEach
    void listASegment() {
        Sim.reset();
        String request = Sim.ongoingRequest(Sim.app(0));
        // App Store Purchases Detailed has many columns, so its segments are a few kilobytes
        String instance = Sim.as(Tokens.ADMIN).get("/v1/analyticsReports/{id}/instances", "r12-" + request).jsonPath().getString("data[0].id");
        JsonPath segment = Sim.as(Tokens.ADMIN).get("/v1/analyticsReportInstances/{id}/segments", instance).then().statusCode(200)
                .extract().jsonPath();
        segmentId = segment.getString("data[0].id");
        url = segment.getString("data[0].attributes.url");
        checksum = segment.getString("data[0].attributes.checksum");
        size = segment.getLong("data[0].attributes.sizeInBytes");
    }

    @AfterEach
    void noFaults() {
        Sim.admin().delete("/simulator/faults").then().statusCode(200);
    }

    private HttpResponse<byte[]> download(String u) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(u)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theUrlIsPresignedOnAnotherEndpoint() throws Exception {
        URI storage = URI.create(url);
        assertNotEquals(URI.create(Sim.api()).getPort(), storage.getPort(), "downloads come from their own endpoint");
        assertTrue(url.contains("X-Amz-Expires=300") && url.contains("X-Amz-Date=") && url.contains("X-Amz-Signature="), url);
        HttpResponse<byte[]> ok = download(url);
        assertEquals(200, ok.statusCode());
        assertEquals(size, ok.body().length);
        assertEquals(checksum, DataTest.md5(ok.body()));
        JsonPath downloads = Sim.admin().get("/simulator/downloads").then().statusCode(200).extract().jsonPath();
        assertEquals(1, downloads.getInt("downloads.find { it.segmentId == '" + segmentId + "' }.completed"));
    }

    private HttpResponse<byte[]> download(String u, String range) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(u)).header("Range", range).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aRangedGetAnswers206WithExactlyThoseBytesAsS3Does() throws Exception {
        byte[] whole = download(url).body();
        assertTrue(size > 100, "a file of some size: " + size);
        HttpResponse<byte[]> middle = download(url, "bytes=10-49");
        assertEquals(206, middle.statusCode());
        assertEquals("bytes 10-49/" + size, middle.headers().firstValue("Content-Range").orElse(null));
        assertArrayEquals(Arrays.copyOfRange(whole, 10, 50), middle.body());
        HttpResponse<byte[]> rest = download(url, "bytes=" + (size - 7) + "-");
        assertEquals(206, rest.statusCode());
        assertEquals("bytes " + (size - 7) + "-" + (size - 1) + "/" + size, rest.headers().firstValue("Content-Range").orElse(null));
        assertArrayEquals(Arrays.copyOfRange(whole, (int) size - 7, (int) size), rest.body());
        HttpResponse<byte[]> past = download(url, "bytes=0-" + (size + 1000));
        assertEquals(206, past.statusCode(), "a last byte past the end is clipped");
        assertArrayEquals(whole, past.body());
        HttpResponse<byte[]> unsatisfiable = download(url, "bytes=" + size + "-");
        assertEquals(416, unsatisfiable.statusCode());
        assertEquals("bytes */" + size, unsatisfiable.headers().firstValue("Content-Range").orElse(null));
        assertTrue(new String(unsatisfiable.body(), java.nio.charset.StandardCharsets.UTF_8).contains("<Code>InvalidRange</Code>"));
    }

    @Test
    void aHeadOnAUrlSignedForGetIs403AsS3SignsTheMethod() throws Exception {
        HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(403, head.statusCode());
        assertEquals(200, download(url).statusCode(), "the same URL still answers a GET");
    }

    @Test
    void aBearerTokenOnTheDownloadIsA400() {
        RestAssured.given().urlEncodingEnabled(false).header("Authorization", "Bearer " + Tokens.valid(Tokens.ADMIN)).get(url).then()
                .statusCode(400).contentType(containsString("xml")).body(containsString("<Code>InvalidArgument</Code>"));
    }

    @Test
    void aTamperedUrlIs403() {
        String otherSignature = url.replaceAll("X-Amz-Signature=[0-9a-f]{4}", "X-Amz-Signature=0000");
        RestAssured.given().urlEncodingEnabled(false).get(otherSignature).then().statusCode(403)
                .body(containsString("<Code>SignatureDoesNotMatch</Code>"));
        String longerLife = url.replace("X-Amz-Expires=300", "X-Amz-Expires=86400");
        RestAssured.given().urlEncodingEnabled(false).get(longerLife).then().statusCode(403);
        String unsigned = url.substring(0, url.indexOf('?'));
        RestAssured.given().urlEncodingEnabled(false).get(unsigned).then().statusCode(403).body(containsString("<Code>AccessDenied</Code>"));
    }

    @Test
    void anExpiredUrlIs403AndTheSegmentEndpointMintsAFreshOne() {
        Sim.admin().body(Map.of("urlExpirySeconds", 0)).put("/simulator/storage").then().statusCode(200);
        try {
            String expired = Sim.as(Tokens.ADMIN).get("/v1/analyticsReportSegments/{id}", segmentId).jsonPath().getString("data.attributes.url");
            RestAssured.given().urlEncodingEnabled(false).get(expired).then().statusCode(403)
                    .body(containsString("<Code>AccessDenied</Code><Message>Request has expired</Message>"));
        } finally {
            Sim.admin().body(Map.of("urlExpirySeconds", 300)).put("/simulator/storage").then().statusCode(200);
        }
        String fresh = Sim.as(Tokens.ADMIN).get("/v1/analyticsReportSegments/{id}", segmentId).then().statusCode(200)
                .body("data.attributes.checksum", equalTo(checksum)).extract().jsonPath().getString("data.attributes.url");
        byte[] body = RestAssured.given().urlEncodingEnabled(false).get(fresh).then().statusCode(200).extract().asByteArray();
        assertEquals(checksum, DataTest.md5(body));
    }

    @Test
    void aResetBreaksTheTransfer() {
        Sim.faults(Map.of("reset", Map.of("every", 1)));
        assertThrows(IOException.class, () -> download(url));
    }

    @Test
    void aTruncatedBodyEndsCleanlyButShort() throws Exception {
        Sim.faults(Map.of("truncate", Map.of("every", 1, "limit", 1)));
        HttpResponse<byte[]> cut = download(url);
        assertEquals(200, cut.statusCode());
        assertTrue(cut.body().length < size, "shorter than sizeInBytes: " + cut.body().length + " < " + size);
        HttpResponse<byte[]> whole = download(url);
        assertEquals(size, whole.body().length, "only one download was cut (limit 1)");
    }

    @Test
    void corruptedBytesKeepTheSizeButFailTheChecksum() throws Exception {
        Sim.faults(Map.of("corrupt", Map.of("every", 1)));
        HttpResponse<byte[]> bad = download(url);
        assertEquals(200, bad.statusCode());
        assertEquals(size, bad.body().length);
        assertNotEquals(checksum, DataTest.md5(bad.body()));
    }

    @Test
    void theBandwidthCapSlowsDownloads() throws Exception {
        long bytesPerSecond = Math.max(1, size / 2);
        Sim.faults(Map.of("bandwidthBytesPerSecond", bytesPerSecond));
        long start = System.nanoTime();
        HttpResponse<byte[]> slow = download(url);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(checksum, DataTest.md5(slow.body()));
        assertTrue(elapsedMs >= 1500, "at " + bytesPerSecond + " B/s, " + size + " bytes take about 2 s, took " + elapsedMs + " ms");
    }
}
