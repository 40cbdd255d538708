package io.github.ascanalyticssync.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.github.ascanalyticssync.simulator.Model.ReportRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The simulator's own control and introspection API under {@code /simulator} (no token needed; it listens on
 * loopback only): the clock, faults, quota, what was called and downloaded, the expected catalogue, demo tokens.
 */
public class AdminRoutes {

    private final World world;
    private final SimulatorClock clock;
    private final Presigner presigner;
    private final FaultPlan faults;
    private final RateLimiter rateLimiter;
    private final CallLog log;
    private final Authenticator authenticator;
    private final Endpoints endpoints;
    private final SimulatorConfig config;
    private final CatalogueView catalogue;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public AdminRoutes(World world, SimulatorClock clock, SegmentFiles files, Presigner presigner, FaultPlan faults, RateLimiter rateLimiter, CallLog log,
            Authenticator authenticator, Endpoints endpoints, SimulatorConfig config) {
        this.world = world;
        this.clock = clock;
        this.presigner = presigner;
        this.faults = faults;
        this.rateLimiter = rateLimiter;
        this.log = log;
        this.authenticator = authenticator;
        this.endpoints = endpoints;
        this.config = config;
        this.catalogue = new CatalogueView(world, files, clock);
    }

    void mount(Router router) {
        router.route("/simulator/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        get(router, "/simulator", ctx -> overview());
        get(router, "/simulator/clock", ctx -> clockView());
        put(router, "/simulator/clock", ctx -> {
            setClock(json.readTree(ctx.body().asString()));
            return clockView();
        });
        router.route(HttpMethod.POST, "/simulator/clock/advance").blockingHandler(ctx -> reply(ctx, () -> {
            String days = ctx.queryParams().get("days");
            String hours = ctx.queryParams().get("hours");
            if (hours != null) {
                clock.advanceHours(Long.parseLong(hours));
            }
            if (days != null || hours == null) {
                clock.advanceDays(Long.parseLong(days == null ? "1" : days));
            }
            return clockView();
        }));
        get(router, "/simulator/publishing", ctx -> world.publishing());
        put(router, "/simulator/publishing", ctx -> {
            JsonNode body = json.readTree(ctx.body().asString());
            Schedule.Publishing now = world.publishing();
            world.publishing(new Schedule.Publishing(body.path("hours").asText(now.hours()), body.path("lateShare").asDouble(now.lateShare()),
                    body.path("hourMode").asText(now.hourMode()), body.path("hourSpread").asInt(now.hourSpread())));
            return world.publishing();
        });
        get(router, "/simulator/calls", ctx -> Map.of("calls", log.calls(), "byEndpoint", log.totalsByEndpoint(), "filters", log.filters()));
        get(router, "/simulator/downloads", ctx -> Map.of("downloads", log.downloads()));
        router.route(HttpMethod.DELETE, "/simulator/calls").blockingHandler(ctx -> reply(ctx, () -> {
            log.reset();
            return Map.of("calls", log.calls());
        }));
        get(router, "/simulator/rate-limit", ctx -> Map.of("perHour", rateLimiter.limit(), "keys", rateLimiter.snapshot()));
        put(router, "/simulator/rate-limit", ctx -> {
            rateLimiter.setLimit(json.readTree(ctx.body().asString()).path("perHour").asInt(config.rateLimit().perHour()));
            rateLimiter.reset();
            return Map.of("perHour", rateLimiter.limit(), "keys", rateLimiter.snapshot());
        });
        get(router, "/simulator/faults", ctx -> faults.settings());
        put(router, "/simulator/faults", ctx -> {
            faults.replace(json.readValue(ctx.body().asString(), FaultPlan.Settings.class));
            return faults.settings();
        });
        router.route(HttpMethod.DELETE, "/simulator/faults").blockingHandler(ctx -> reply(ctx, () -> {
            faults.reset();
            return faults.settings();
        }));
        get(router, "/simulator/storage", ctx -> Map.of("urlExpirySeconds", presigner.expirySeconds()));
        put(router, "/simulator/storage", ctx -> {
            presigner.setExpirySeconds(json.readTree(ctx.body().asString()).path("urlExpirySeconds").asInt(presigner.expirySeconds()));
            return Map.of("urlExpirySeconds", presigner.expirySeconds());
        });
        get(router, "/simulator/requests", ctx -> requests());
        get(router, "/simulator/catalogue", ctx -> catalogue.render(ctx.queryParams()));
        router.route(HttpMethod.POST, "/simulator/reset").blockingHandler(ctx -> reply(ctx, () -> {
            String today = ctx.queryParams().get("today");
            String now = ctx.queryParams().get("now");
            if (now != null) {
                clock.set(Instant.parse(now));
            } else if (today != null) {
                clock.set(LocalDate.parse(today));
            } else {
                clock.reset();
            }
            world.reset();
            presigner.reset();
            log.reset();
            rateLimiter.setLimit(config.rateLimit().perHour());
            rateLimiter.reset();
            faults.reset();
            authenticator.restoreAll();
            return overview();
        }));
        // Revoking a key in Users and Access: App Store Connect then answers 401 NOT_AUTHORIZED to its tokens (reset restores it).
        router.route(HttpMethod.POST, "/simulator/keys/:keyId/revoke").blockingHandler(ctx -> {
            String keyId = ctx.pathParam("keyId");
            if (!authenticator.revoke(keyId)) {
                ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("No key '" + keyId + "' is configured\n");
                return;
            }
            reply(ctx, () -> Map.of("revoked", authenticator.revoked()));
        });
        router.route(HttpMethod.POST, "/simulator/token").blockingHandler(ctx -> {
            String keyId = ctx.queryParams().get("keyId");
            if (keyId == null) {
                keyId = config.keys().entrySet().stream().filter(e -> e.getValue().privateKey().isPresent()).map(Map.Entry::getKey)
                        .findFirst().orElse("");
            }
            long lifetime = Long.parseLong(ctx.queryParams().get("lifetime") == null ? "1200" : ctx.queryParams().get("lifetime"));
            String id = keyId;
            authenticator.demoToken(keyId, lifetime).ifPresentOrElse(
                    token -> ctx.response().putHeader("Content-Type", "text/plain").end(token),
                    () -> ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain")
                            .end("No demo key '" + id + "' with a private key is configured\n"));
        });
    }

    @FunctionalInterface
    private interface View {
        Object render(RoutingContext ctx) throws Exception;
    }

    private void get(Router router, String path, View view) {
        router.route(HttpMethod.GET, path).blockingHandler(ctx -> reply(ctx, () -> view.render(ctx)));
    }

    private void put(Router router, String path, View view) {
        router.route(HttpMethod.PUT, path).blockingHandler(ctx -> reply(ctx, () -> view.render(ctx)));
    }

    private void reply(RoutingContext ctx, java.util.concurrent.Callable<Object> body) {
        try {
            ctx.response().putHeader("Content-Type", "application/json").end(json.writeValueAsString(body.call()));
        } catch (Exception e) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "text/plain").end("Bad simulator admin request: " + e.getMessage() + "\n");
        }
    }

    private Map<String, Object> overview() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiBaseUrl", endpoints.apiBaseUrl());
        out.put("storageBaseUrl", endpoints.storageBaseUrl());
        out.put("issuerId", config.issuerId());
        Map<String, String> keys = new LinkedHashMap<>();
        config.keys().forEach((k, v) -> keys.put(k, v.role().name()));
        out.put("keys", keys);
        out.put("revokedKeys", authenticator.revoked());
        out.put("apps", world.apps());
        out.put("now", clock.now());
        out.put("today", clock.today());
        return out;
    }

    /** {@code {"now":"2026-12-01T05:00:00Z"}} or {@code {"today":"2026-12-01"}} (23:59:59 UTC of that day). */
    private void setClock(JsonNode body) {
        if (body.hasNonNull("now")) {
            clock.set(Instant.parse(body.get("now").asText()));
        } else if (body.hasNonNull("today")) {
            clock.set(LocalDate.parse(body.get("today").asText()));
        } else {
            throw new IllegalArgumentException("give {\"now\":\"2026-12-01T05:00:00Z\"} or {\"today\":\"2026-12-01\"}");
        }
    }

    private Map<String, Object> clockView() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", clock.now());
        out.put("today", clock.today());
        out.put("set", clock.isSet());
        return out;
    }

    private List<Map<String, Object>> requests() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ReportRequest r : world.allRequests()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("appId", r.appId());
            m.put("accessType", r.accessType());
            m.put("createdOn", r.createdOn());
            m.put("firstInstanceOn", r.firstInstanceOn());
            m.put("lastReadOn", r.lastReadOn());
            m.put("stoppedDueToInactivity", r.stopped());
            m.put("stoppedOn", r.stoppedOn());
            m.put("deleted", r.deleted());
            out.add(m);
        }
        return out;
    }
}
