package io.github.ascanalyticssync.simulator;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.github.ascanalyticssync.simulator.Model.Instance;
import io.github.ascanalyticssync.simulator.Model.Report;
import io.github.ascanalyticssync.simulator.Model.ReportRequest;
import io.github.ascanalyticssync.simulator.Model.Segment;
import io.github.ascanalyticssync.simulator.SegmentFiles.FileMeta;
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
    private final SegmentFiles files;
    private final Presigner presigner;
    private final FaultPlan faults;
    private final RateLimiter rateLimiter;
    private final CallLog log;
    private final Authenticator authenticator;
    private final Endpoints endpoints;
    private final SimulatorConfig config;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public AdminRoutes(World world, SimulatorClock clock, SegmentFiles files, Presigner presigner, FaultPlan faults, RateLimiter rateLimiter, CallLog log,
            Authenticator authenticator, Endpoints endpoints, SimulatorConfig config) {
        this.world = world;
        this.clock = clock;
        this.files = files;
        this.presigner = presigner;
        this.faults = faults;
        this.rateLimiter = rateLimiter;
        this.log = log;
        this.authenticator = authenticator;
        this.endpoints = endpoints;
        this.config = config;
    }

    void mount(Router router) {
        router.route("/simulator/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        get(router, "/simulator", ctx -> overview());
        get(router, "/simulator/clock", ctx -> clockView());
        put(router, "/simulator/clock", ctx -> {
            clock.set(LocalDate.parse(json.readTree(ctx.body().asString()).path("today").asText()));
            return clockView();
        });
        router.route(HttpMethod.POST, "/simulator/clock/advance").blockingHandler(ctx -> reply(ctx, () -> {
            clock.advanceDays(Long.parseLong(ctx.queryParams().get("days") == null ? "1" : ctx.queryParams().get("days")));
            return clockView();
        }));
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
        get(router, "/simulator/catalogue", this::catalogue);
        router.route(HttpMethod.POST, "/simulator/reset").blockingHandler(ctx -> reply(ctx, () -> {
            String today = ctx.queryParams().get("today");
            if (today == null) {
                clock.reset();
            } else {
                clock.set(LocalDate.parse(today));
            }
            world.reset();
            presigner.reset();
            log.reset();
            rateLimiter.setLimit(config.rateLimit().perHour());
            rateLimiter.reset();
            faults.reset();
            return overview();
        }));
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
        out.put("apps", world.apps());
        out.put("today", clock.today());
        return out;
    }

    private Map<String, Object> clockView() {
        return Map.of("today", clock.today());
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

    /**
     * Every segment the live requests offer today, with the checksum, size and rows a client should end up with.
     * Filters: {@code appId}, {@code accessType}, {@code granularity}, {@code processingDate}, {@code category},
     * {@code report} (name).
     */
    private Map<String, Object> catalogue(RoutingContext ctx) {
        var q = ctx.queryParams();
        List<Map<String, Object>> segments = new ArrayList<>();
        int instances = 0;
        for (ReportRequest r : world.allRequests()) {
            if (r.deleted() || (q.get("appId") != null && !q.get("appId").equals(r.appId()))
                    || (q.get("accessType") != null && !q.get("accessType").equals(r.accessType().name()))) {
                continue;
            }
            for (Report report : world.reports(r)) {
                if ((q.get("category") != null && !q.get("category").equals(report.type().category().name()))
                        || (q.get("report") != null && !q.get("report").equals(report.type().name()))) {
                    continue;
                }
                for (Instance i : world.instances(report)) {
                    if ((q.get("granularity") != null && !q.get("granularity").equals(i.granularity().name()))
                            || (q.get("processingDate") != null && !q.get("processingDate").equals(i.processingDate().toString()))) {
                        continue;
                    }
                    instances++;
                    for (Segment s : world.segments(i)) {
                        FileMeta meta = files.meta(s);
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("segmentId", s.id());
                        m.put("instanceId", i.id());
                        m.put("reportId", report.id());
                        m.put("reportName", report.type().name());
                        m.put("category", report.type().category());
                        m.put("appId", r.appId());
                        m.put("requestId", r.id());
                        m.put("accessType", r.accessType());
                        m.put("granularity", i.granularity());
                        m.put("processingDate", i.processingDate());
                        m.put("checksum", meta.checksum());
                        m.put("sizeInBytes", meta.sizeInBytes());
                        m.put("rows", s.rows());
                        segments.add(m);
                    }
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("today", clock.today());
        out.put("instances", instances);
        out.put("segmentCount", segments.size());
        out.put("segments", segments);
        return out;
    }
}
