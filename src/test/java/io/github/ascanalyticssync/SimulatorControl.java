package io.github.ascanalyticssync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The simulator's control API ({@code <api>/simulator/...}) for a test that runs the packaged application beside a
 * simulator, in this JVM or in a process of its own: what it counted, and what it is told to do. Every answer must be
 * 200; it is read as JSON.
 */
public final class SimulatorControl {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String api;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The control API of the simulator whose API answers at apiBaseUrl. */
    public SimulatorControl(String apiBaseUrl) {
        this.api = apiBaseUrl;
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** A request with a JSON body, or none (null). */
    public JsonNode send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path));
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Forgets the API calls and downloads counted so far. */
    public void clearCalls() {
        delete("/simulator/calls");
    }

    /** The API calls so far. */
    public long calls() {
        long all = 0;
        for (JsonNode c : get("/simulator/calls").path("calls")) {
            all += c.path("count").asLong();
        }
        return all;
    }

    /** The API calls so far that were answered with this status. */
    public long calls(int status) {
        long n = 0;
        for (JsonNode c : get("/simulator/calls").path("calls")) {
            n += c.path("status").asInt() == status ? c.path("count").asLong() : 0;
        }
        return n;
    }

    /** The API calls so far by endpoint (the OpenAPI operation id); an endpoint not called is missing. */
    public JsonNode callsByEndpoint() {
        return get("/simulator/calls").path("byEndpoint");
    }

    /** Downloads by segment id: {started, completed}. */
    public Map<String, long[]> downloads() {
        Map<String, long[]> out = new HashMap<>();
        for (JsonNode d : get("/simulator/downloads").path("downloads")) {
            out.put(d.path("segmentId").asText(), new long[] { d.path("started").asLong(), d.path("completed").asLong() });
        }
        return out;
    }

    /** Segment downloads started so far, every segment's counted. */
    public long downloadsStarted() {
        return downloads().values().stream().mapToLong(n -> n[0]).sum();
    }

    /** Every API call waits this long before it is answered. */
    public void latency(long ms) {
        send("PUT", "/simulator/faults", "{\"latencyFixedMs\":" + ms + "}");
    }

    /** Moves the simulator's clock on. */
    public void advanceDays(int days) {
        send("POST", "/simulator/clock/advance?days=" + days, null);
    }
}
