package io.github.ascanalyticssync.simulator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.ascanalyticssync.simulator.Authenticator.Caller;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The gate every API call passes: latency, token, quota, injected faults, then the operation; the call is logged
 * with its final status and answered with the {@code Date} header.
 */
final class ApiGate {

    /** RFC 7231's IMF-fixdate, two-digit day ({@code RFC_1123_DATE_TIME} prints one digit). */
    static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    /** The answer of an operation: status and JSON body (null for 204). */
    record Reply(int status, JsonNode body) {
    }

    @FunctionalInterface
    interface Operation {
        Reply handle(Call call) throws Exception;
    }

    private final Authenticator authenticator;
    private final RateLimiter rateLimiter;
    private final FaultPlan faults;
    private final CallLog log;
    private final Endpoints endpoints;
    private final SimulatorConfig config;
    private final SimulatorClock clock;
    private final JsonApi json;

    ApiGate(Authenticator authenticator, RateLimiter rateLimiter, FaultPlan faults, CallLog log, Endpoints endpoints,
            SimulatorConfig config, SimulatorClock clock, JsonApi json) {
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        this.faults = faults;
        this.log = log;
        this.endpoints = endpoints;
        this.config = config;
        this.clock = clock;
        this.json = json;
    }

    void op(Router router, HttpMethod method, String path, String endpoint, Operation operation) {
        router.route(method, path).blockingHandler(ctx -> serve(ctx, endpoint, operation), false);
    }

    /** The gate every call passes, then the operation; the call is logged with its final status. */
    void serve(RoutingContext ctx, String endpoint, Operation operation) {
        String keyId = null;
        int status;
        byte[] body = null;
        try {
            long delay = faults.latencyMillis();
            if (delay > 0) {
                Thread.sleep(delay);
            }
            Map<String, List<String>> query = new HashMap<>();
            ctx.queryParams().names().forEach(n -> query.put(n, ctx.queryParams().getAll(n)));
            Caller caller = authenticator.authenticate(ctx.request().getHeader("Authorization"), ctx.request().method().name(),
                    ctx.request().path(), query);
            keyId = caller.keyId();
            if (faults.fire(s -> s.notAuthorized)) {
                throw ApiError.notAuthorized();
            }
            RateLimiter.Window window = rateLimiter.admit(keyId);
            ctx.response().putHeader("X-Rate-Limit", window.header());
            if (!window.admitted() || faults.fire(s -> s.rateLimitBurst)) {
                config.rateLimit().retryAfterSeconds().ifPresent(s -> ctx.response().putHeader("Retry-After", Integer.toString(s)));
                throw ApiError.rateLimited();
            }
            if (faults.fire(s -> s.serverError)) {
                throw ApiError.serverError();
            }
            if (faults.fire(s -> s.unavailable)) {
                throw ApiError.unavailable();
            }
            Reply reply = operation.handle(new Call(ctx, caller, endpoints.apiBaseUrl(), config.data().seed()));
            status = reply.status();
            if (reply.body() != null) {
                body = json.bytes(reply.body());
                if (faults.fire(s -> s.malformedJson)) {
                    body = java.util.Arrays.copyOf(body, body.length / 2);
                }
            }
        } catch (ApiError e) {
            status = e.status;
            body = json.errorBody(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 503;
            body = json.errorBody(ApiError.unavailable());
        } catch (Exception e) {
            status = 500;
            body = json.errorBody(ApiError.serverError());
        }
        log.call(endpoint, status, keyId);
        ctx.queryParams().names().stream().filter(n -> n.startsWith("filter[")).forEach(n -> log.filter(endpoint, n));
        ctx.response().setStatusCode(status);
        // the simulated clock's time (the real time unless it was set), as Apple's servers announce theirs; or the
        // wall clock (asc.simulator.data.date-header=real)
        Instant date = config.data().dateHeader() == SimulatorData.DateHeader.REAL ? Instant.now() : clock.now();
        ctx.response().putHeader("Date", IMF_FIXDATE.format(date));
        if (body == null) {
            ctx.response().end();
        } else {
            ctx.response().putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(body));
        }
    }
}
