package io.github.ascanalyticssync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A client written only from Apple's documentation (JDK HTTP client, a JDK-signed token, URL-encoded brackets,
 * links.next followed verbatim) works against the simulator with nothing changed but its base URL.
 */
@QuarkusTest
class ThirdPartyClientTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private String baseUrl;
    private String token;

    @BeforeEach
    void setUp() throws Exception {
        Sim.reset();
        baseUrl = Sim.api();
        token = jdkToken(Tokens.privateKey(Tokens.ADMIN), "DEMOKEY001", Tokens.ISSUER);
    }

    /** "Generating Tokens for API Requests": header alg/kid/typ, payload iss/iat/exp/aud, ES256 over r||s. */
    static String jdkToken(PrivateKey key, String keyId, String issuerId) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString(("{\"alg\":\"ES256\",\"kid\":\"" + keyId + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"iss\":\"" + issuerId + "\",\"iat\":" + now + ",\"exp\":" + (now + 1200)
                + ",\"aud\":\"appstoreconnect-v1\"}").getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + b64.encodeToString(derToJose(signer.sign()));
    }

    private static byte[] derToJose(byte[] der) {
        int offset = 3;
        int rLength = der[offset];
        BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(der, offset + 1, offset + 1 + rLength));
        int sOffset = offset + 1 + rLength + 1;
        int sLength = der[sOffset];
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(der, sOffset + 1, sOffset + 1 + sLength));
        byte[] out = new byte[64];
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        System.arraycopy(rb, Math.max(0, rb.length - 32), out, 32 - Math.min(32, rb.length), Math.min(32, rb.length));
        System.arraycopy(sb, Math.max(0, sb.length - 32), out, 64 - Math.min(32, sb.length), Math.min(32, sb.length));
        return out;
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + " -> " + r.body());
        return json.readTree(r.body());
    }

    private List<JsonNode> getAll(String url) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        String next = url;
        while (next != null) {
            JsonNode page = get(next);
            page.get("data").forEach(items::add);
            next = page.path("links").path("next").asText(null);
        }
        return items;
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void theDocumentedFlowDownloadsVerifiedReports() throws Exception {
        String appId = Sim.app(0);
        List<JsonNode> requests = getAll(baseUrl + "/v1/apps/" + appId + "/analyticsReportRequests?" + q("filter[accessType]") + "=ONGOING");
        assertEquals(1, requests.size());
        String requestId = requests.get(0).get("id").asText();
        assertFalse(requests.get(0).path("attributes").path("stoppedDueToInactivity").asBoolean());

        List<JsonNode> reports = getAll(baseUrl + "/v1/analyticsReportRequests/" + requestId + "/reports?" + q("filter[name]") + "="
                + q("App Downloads Standard"));
        assertEquals(1, reports.size());
        List<JsonNode> instances = getAll(baseUrl + "/v1/analyticsReports/" + reports.get(0).get("id").asText() + "/instances?"
                + q("filter[granularity]") + "=DAILY&limit=2");
        assertTrue(instances.size() > 2, "more than one page of instances");

        int rows = 0;
        int segments = 0;
        for (JsonNode instance : instances) {
            for (JsonNode segment : getAll(instance.get("relationships").get("segments").get("links").get("related").asText())) {
                JsonNode a = segment.get("attributes");
                HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create(a.get("url").asText())).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, file.statusCode());
                assertEquals(a.get("sizeInBytes").asLong(), file.body().length);
                assertEquals(a.get("checksum").asText(), HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(file.body())));
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(new ByteArrayInputStream(file.body())),
                        StandardCharsets.UTF_8))) {
                    List<String> header = List.of(reader.readLine().split("\t"));
                    int counts = header.indexOf("Counts");
                    assertTrue(counts >= 0, "columns are found by name");
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        Integer.parseInt(line.split("\t", -1)[counts]);
                        rows++;
                    }
                }
                segments++;
            }
        }
        assertTrue(segments > 0 && rows > 0, segments + " segments, " + rows + " rows");
        assertEquals(segments, Sim.admin().queryParam("appId", appId).queryParam("report", "App Downloads Standard")
                .queryParam("granularity", "DAILY").get("/simulator/catalogue").jsonPath().getInt("segmentCount"));
    }
}
