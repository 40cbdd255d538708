package io.github.ascanalyticssync.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.token.TokenIssuer;

/**
 * Calls the App Store Connect API with a bearer token. It only ever sends the token to the configured API base URL
 * (a {@code links.next} pointing elsewhere is refused), records every call, and turns failures into the exceptions
 * the routes' error handling retries. Paging is left to the caller, one page per call, so that a retry repeats only
 * the page that failed.
 *
 * <p>
 * The JDK HTTP client is used rather than camel-http: the token must never travel with a Camel message to another
 * host (the presigned segment download), and following Apple's absolute, already-encoded {@code links.next} needs no
 * URI rewriting.
 */
public class AppStoreConnectClient {

    /** One page of a collection: its resources and the absolute URL of the next page, if any. */
    public record Page(List<Map<String, Object>> data, String next, int total) {
    }

    private final HttpClient http;
    private final TokenIssuer tokens;
    private final URI base;
    private final ApiStats stats;
    private final java.time.Duration requestTimeout;
    private final RateBudget budget;
    private final ObjectMapper json = new ObjectMapper();

    public AppStoreConnectClient(HttpClient http, TokenIssuer tokens, String baseUrl, ApiStats stats, java.time.Duration requestTimeout,
            RateBudget budget) {
        this.budget = budget;
        this.http = http;
        this.tokens = tokens;
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        this.stats = stats;
        this.requestTimeout = requestTimeout;
    }

    public String baseUrl() {
        return base.toString();
    }

    /** GETs one page: {@code pathOrUrl} is an API path ({@code /v1/...}) or a {@code links.next} URL. */
    @SuppressWarnings("unchecked")
    public Page page(String pathOrUrl) {
        JsonNode doc = send("GET", pathOrUrl, null);
        List<Map<String, Object>> data = new ArrayList<>();
        JsonNode items = doc.path("data");
        if (!items.isArray()) {
            throw new AppStoreConnectException.Retryable(endpoint("GET", resolve(pathOrUrl)), 200, "UNEXPECTED_RESPONSE",
                    "the response has no data array", null);
        }
        items.forEach(n -> data.add(json.convertValue(n, Map.class)));
        String next = doc.path("links").path("next").asText(null);
        return new Page(data, next, doc.path("meta").path("paging").path("total").asInt(data.size()));
    }

    /** Every resource of a collection: its pages one after the other, following {@code links.next} to the end. */
    public List<Map<String, Object>> all(String path) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String next = path; next != null;) {
            Page page = page(next);
            all.addAll(page.data());
            next = page.next();
        }
        return all;
    }

    /** GETs a single resource document and returns its {@code data}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> resource(String path) {
        return json.convertValue(send("GET", path, null).path("data"), Map.class);
    }

    public JsonNode post(String path, Object body) {
        try {
            return send("POST", path, json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public void delete(String path) {
        send("DELETE", path, null);
    }

    JsonNode send(String method, String pathOrUrl, String body) {
        URI uri = resolve(pathOrUrl);
        String endpoint = endpoint(method, uri);
        String token = tokens.token();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        long[] ticket = budget.acquire();
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            stats.record(endpoint, 0, null);
            throw new AppStoreConnectException.Retryable(endpoint, 0, "IO_ERROR", e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AppStoreConnectException(endpoint, 0, "INTERRUPTED", "interrupted");
        } finally {
            budget.done(ticket);
        }
        int status = response.statusCode();
        stats.record(endpoint, status, response.headers().firstValue("X-Rate-Limit").orElse(null), response.headers().firstValue("Date").orElse(null));
        budget.observe(stats.limit(), stats.remaining());
        if (status == 204) {
            return json.createObjectNode();
        }
        JsonNode doc;
        try {
            doc = json.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new AppStoreConnectException.Retryable(endpoint, status, "MALFORMED_RESPONSE", "the body is not valid JSON", null);
        }
        if (status >= 200 && status < 300) {
            return doc;
        }
        JsonNode error = doc.path("errors").path(0);
        String code = error.path("code").asText(null);
        String detail = error.path("detail").asText(null);
        if (status == 401) {
            tokens.invalidate(token);
            throw new AppStoreConnectException.NotAuthorized(endpoint, code, detail);
        }
        if (status == 429 || status >= 500) {
            Long retryAfter = response.headers().firstValue("Retry-After").map(v -> {
                try {
                    return Long.valueOf(v.trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }).orElse(null);
            if (status == 429) {
                budget.rateLimited(retryAfter);
                throw new AppStoreConnectException.RateLimited(endpoint, code, detail, retryAfter);
            }
            throw new AppStoreConnectException.Retryable(endpoint, status, code, detail, retryAfter);
        }
        throw new AppStoreConnectException(endpoint, status, code, detail);
    }

    private URI resolve(String pathOrUrl) {
        if (pathOrUrl.startsWith("/")) {
            return URI.create(base + pathOrUrl);
        }
        URI uri = URI.create(pathOrUrl);
        if (!base.getScheme().equalsIgnoreCase(uri.getScheme()) || !base.getHost().equalsIgnoreCase(uri.getHost()) || base.getPort() != uri.getPort()) {
            throw new AppStoreConnectException("GET " + uri.getPath(), 0, "FOREIGN_LINK",
                    "a link points outside " + base.getHost() + "; the API token is never sent there");
        }
        return uri;
    }

    /** {@code GET /v1/analyticsReports/{id}/instances}: the method and the path with ids replaced. */
    static String endpoint(String method, URI uri) {
        String[] parts = uri.getPath().split("/");
        StringBuilder b = new StringBuilder(method).append(' ');
        for (int i = 1; i < parts.length; i++) {
            b.append('/');
            boolean id = i == 3 && !parts[i].equals("relationships");
            b.append(id ? "{id}" : parts[i]);
        }
        return b.toString();
    }
}
