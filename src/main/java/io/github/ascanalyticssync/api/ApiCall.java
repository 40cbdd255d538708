package io.github.ascanalyticssync.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.config.SyncConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The Java steps of routes/asc-api.yaml around the Camel HTTP call: {@link #request} turns the variables
 * {@code ascMethod} and {@code ascPath} (an API path, or an absolute {@code links.next}) into Camel HTTP's method,
 * path and query headers, refusing a link to any other host before a token is attached; {@link #response} records
 * the call and Apple's quota, and turns a failed status into the typed exceptions routes/error-handling.yaml knows;
 * {@link #unreachable} turns a call without an answer, {@link #tooLarge} an answer over asc.api.max-response-size, and
 * {@link #malformed} a 2xx body that is not JSON:API, into the same exceptions.
 */
@RegisterForReflection
@ApplicationScoped
@Named("ascApi")
public class ApiCall {

    public static final String APPLE_BASE_URL = "https://api.appstoreconnect.apple.com";
    public static final String METHOD = "ascMethod";
    public static final String PATH = "ascPath";
    static final String ENDPOINT = "ascEndpoint";
    /** The rate budget's ticket of the call (routes/asc-api.yaml). */
    static final String TICKET = "ascTicket";

    private final URI base;

    @Inject
    ApiStats stats;

    @Inject
    ApiKeys keys;

    @Inject
    ObjectMapper json;

    @Inject
    public ApiCall(SyncConfig config) {
        String url = config.api().baseUrl().orElse(APPLE_BASE_URL);
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }

    /** Camel HTTP's headers for the call in the variables; the message has no other headers at this point. */
    public void request(Exchange exchange) {
        String method = exchange.getVariable(METHOD, "GET", String.class);
        URI uri = resolve(exchange.getVariable(PATH, String.class));
        Message m = exchange.getMessage();
        m.setHeader(Exchange.HTTP_METHOD, method);
        m.setHeader(Exchange.HTTP_PATH, uri.getRawPath());
        m.setHeader(Exchange.HTTP_QUERY, uri.getRawQuery());
        m.setHeader("Accept", "application/json");
        if (m.getBody() != null) {
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        exchange.setVariable(ENDPOINT, endpoint(method, uri));
    }

    /**
     * After the call: statistics, Apple's quota ({@code X-Rate-Limit}) and date, then the status: 2xx goes on, 401
     * drops the token (one more try mints a new one), 429 is the rate budget's to weigh (a burst, or the quota gone), 5xx is worth another try, anything
     * else is final for this call.
     */
    public void response(Exchange exchange) {
        Message m = exchange.getMessage();
        String endpoint = exchange.getVariable(ENDPOINT, String.class);
        int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        int[] figures = ApiStats.figures(m.getHeader("X-Rate-Limit", String.class));
        stats.record(endpoint, status, figures, m.getHeader("Date", String.class));
        // Apple counts per key: the key's own remainder paces the key's own budget
        String key = keys.of(exchange).name();
        RateBudget budget = keys.budget(key);
        Long retryAfter = retryAfter(m.getHeader("Retry-After", String.class));
        budget.answered(exchange.getVariable(TICKET, long[].class), status, figures == null ? null : figures[0], figures == null ? null : figures[1],
                retryAfter);
        if (status >= 200 && status < 300) {
            return;
        }
        if (status >= 300 && status < 400) {
            // followRedirects is off: the token never follows a Location, and a redirect loop cannot start
            throw new AppStoreConnectException(endpoint, status, "REDIRECT", "the API does not redirect; the sync does not follow it");
        }
        JsonNode error = error(m).path("errors").path(0);
        String code = error.path("code").asText(null);
        String detail = error.path("detail").asText(null);
        if (status == 401) {
            String authorization = m.getHeader("Authorization", String.class);
            keys.issuer(key).invalidate(authorization == null ? null : authorization.substring("Bearer ".length()));
            throw new AppStoreConnectException.NotAuthorized(endpoint, code, detail);
        }
        if (status == 429) {
            AppStoreConnectException.QuotaExhausted refused = budget.refusal();
            if (refused != null) {
                throw refused;
            }
            throw new AppStoreConnectException.RateLimited(endpoint, code, detail, retryAfter);
        }
        if (status >= 500) {
            throw new AppStoreConnectException.Retryable(endpoint, status, code, detail, retryAfter);
        }
        throw new AppStoreConnectException(endpoint, status, code, detail);
    }

    /** An answer over asc.api.max-response-size (routes/asc-api.yaml): final, another try would bring the same flood. */
    public void tooLarge(Exchange exchange) {
        ResponseLimit.TooLarge large = org.apache.camel.util.ObjectHelper.getException(ResponseLimit.TooLarge.class,
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        String endpoint = exchange.getVariable(ENDPOINT, String.class);
        stats.record(endpoint, 0, null, null);
        throw new AppStoreConnectException(endpoint, large.status(), "RESPONSE_TOO_LARGE", large.getMessage());
    }

    /** No answer at all (refused, reset, timed out): worth another try. */
    public void unreachable(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String endpoint = exchange.getVariable(ENDPOINT, String.class);
        stats.record(endpoint, 0, null, null);
        int port = base.getPort() > 0 ? base.getPort() : "http".equals(base.getScheme()) ? 80 : 443;
        String hostPort = base.getHost() + ":" + port;
        if (e instanceof java.net.ConnectException || e != null && e.getCause() instanceof java.net.ConnectException) {
            throw new AppStoreConnectException.Retryable(endpoint, 0, "IO_ERROR", "cannot connect to " + hostPort + " (connection refused;"
                    + " check asc.api.base-url and that the server runs)", null);
        }
        if (e instanceof java.net.UnknownHostException) {
            throw new AppStoreConnectException.Retryable(endpoint, 0, "IO_ERROR", "cannot connect to " + hostPort + " (unknown host;"
                    + " check asc.api.base-url and the DNS)", null);
        }
        String why = e == null ? "no answer" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        throw new AppStoreConnectException.Retryable(endpoint, 0, "IO_ERROR", hostPort + " did not answer (" + why + ")", null);
    }

    /** A 2xx body that is not a JSON:API document: worth another try. */
    public void malformed(Exchange exchange) {
        throw new AppStoreConnectException.Retryable(exchange.getVariable(ENDPOINT, String.class), 200, "MALFORMED_RESPONSE",
                "the body is not a JSON:API document", null);
    }

    private JsonNode error(Message m) {
        try (InputStream body = m.getBody(InputStream.class)) {
            return body == null ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static Long retryAfter(String value) {
        try {
            return value == null ? null : Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A path or a link as the absolute URL it stands for, without the host check of a call. */
    URI resolveLink(String pathOrUrl) {
        return pathOrUrl.startsWith("/") ? URI.create(base + pathOrUrl) : URI.create(pathOrUrl);
    }

    /** Whether a link goes to the configured API (scheme, host and port). */
    boolean sameOrigin(URI uri) {
        return base.getScheme().equalsIgnoreCase(uri.getScheme()) && base.getHost().equalsIgnoreCase(uri.getHost()) && base.getPort() == uri.getPort();
    }

    private URI resolve(String pathOrUrl) {
        URI uri = resolveLink(pathOrUrl);
        if (!sameOrigin(uri)) {
            throw new AppStoreConnectException("GET " + uri.getPath(), 0, "FOREIGN_LINK",
                    "a link points outside " + base.getHost() + "; the API token is never sent there");
        }
        return uri;
    }

    /** {@code GET /v1/analyticsReports/{id}/instances}: the method and the path with ids replaced. */
    static String endpoint(String method, URI uri) {
        String[] parts = uri.getPath().split("/");
        StringBuilder b = new StringBuilder(method.toUpperCase(Locale.ROOT)).append(' ');
        for (int i = 1; i < parts.length; i++) {
            b.append('/');
            boolean id = i == 3 && !parts[i].equals("relationships");
            b.append(id ? "{id}" : parts[i]);
        }
        return b.toString();
    }
}
