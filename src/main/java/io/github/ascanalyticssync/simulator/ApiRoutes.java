package io.github.ascanalyticssync.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ascanalyticssync.simulator.Authenticator.Caller;
import io.github.ascanalyticssync.simulator.Model.AccessType;
import io.github.ascanalyticssync.simulator.Model.App;
import io.github.ascanalyticssync.simulator.Model.Category;
import io.github.ascanalyticssync.simulator.Model.Granularity;
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
 * The App Store Connect API surface: the 14 analytics operations, {@code GET /v1/apps}, and Apple's answers to
 * everything else. Every call passes the same gate: latency, token, quota, injected faults, then the operation.
 */
public class ApiRoutes {

    private static final String REQUESTS = "analyticsReportRequests";
    private static final String REPORTS = "analyticsReports";
    private static final String INSTANCES = "analyticsReportInstances";
    private static final String SEGMENTS = "analyticsReportSegments";
    private static final Set<String> REQUEST_FIELDS = Set.of("accessType", "stoppedDueToInactivity", "reports");
    private static final Set<String> REPORT_FIELDS = Set.of("name", "category", "instances");
    private static final Set<String> INSTANCE_FIELDS = Set.of("granularity", "processingDate", "segments");
    private static final Set<String> SEGMENT_FIELDS = Set.of("checksum", "sizeInBytes", "url");
    private static final Set<String> APP_FIELDS = Set.of("name", "bundleId", "sku", "primaryLocale", "analyticsReportRequests");
    /** RFC 7231's IMF-fixdate, two-digit day ({@code RFC_1123_DATE_TIME} prints one digit). */
    static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    private static final Map<String, String> ALLOWED_OPERATIONS = Map.of(
            REQUESTS, "CREATE, DELETE, GET_INSTANCE",
            REPORTS, "GET_INSTANCE",
            INSTANCES, "GET_INSTANCE",
            SEGMENTS, "GET_INSTANCE");

    /** The answer of an operation: status and JSON body (null for 204). */
    record Reply(int status, JsonNode body) {
    }

    @FunctionalInterface
    interface Operation {
        Reply handle(Call call) throws Exception;
    }

    private final World world;
    private final SegmentFiles files;
    private final Presigner presigner;
    private final Authenticator authenticator;
    private final RateLimiter rateLimiter;
    private final FaultPlan faults;
    private final CallLog log;
    private final Endpoints endpoints;
    private final SimulatorConfig config;
    private final SimulatorClock clock;
    private final ObjectMapper json = new ObjectMapper();

    public ApiRoutes(World world, SegmentFiles files, Presigner presigner, Authenticator authenticator, RateLimiter rateLimiter,
            FaultPlan faults, CallLog log, Endpoints endpoints, SimulatorConfig config, SimulatorClock clock) {
        this.clock = clock;
        this.world = world;
        this.files = files;
        this.presigner = presigner;
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        this.faults = faults;
        this.log = log;
        this.endpoints = endpoints;
        this.config = config;
    }

    void mount(Router router) {
        router.route("/v1/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        op(router, HttpMethod.GET, "/v1/apps", "apps_getCollection", this::listApps);
        op(router, HttpMethod.GET, "/v1/apps/:id", "apps_getInstance", this::getApp);
        op(router, HttpMethod.GET, "/v1/apps/:id/analyticsReportRequests", "apps_analyticsReportRequests_getToManyRelated", this::appRequests);
        op(router, HttpMethod.GET, "/v1/apps/:id/relationships/analyticsReportRequests", "apps_analyticsReportRequests_getToManyRelationship",
                this::appRequestLinkages);
        op(router, HttpMethod.POST, "/v1/analyticsReportRequests", "analyticsReportRequests_createInstance", this::createRequest);
        op(router, HttpMethod.GET, "/v1/analyticsReportRequests/:id", "analyticsReportRequests_getInstance", this::getRequest);
        op(router, HttpMethod.DELETE, "/v1/analyticsReportRequests/:id", "analyticsReportRequests_deleteInstance", this::deleteRequest);
        op(router, HttpMethod.GET, "/v1/analyticsReportRequests/:id/reports", "analyticsReportRequests_reports_getToManyRelated", this::requestReports);
        op(router, HttpMethod.GET, "/v1/analyticsReportRequests/:id/relationships/reports", "analyticsReportRequests_reports_getToManyRelationship",
                this::requestReportLinkages);
        op(router, HttpMethod.GET, "/v1/analyticsReports/:id", "analyticsReports_getInstance", this::getReport);
        op(router, HttpMethod.GET, "/v1/analyticsReports/:id/instances", "analyticsReports_instances_getToManyRelated", this::reportInstances);
        op(router, HttpMethod.GET, "/v1/analyticsReports/:id/relationships/instances", "analyticsReports_instances_getToManyRelationship",
                this::reportInstanceLinkages);
        op(router, HttpMethod.GET, "/v1/analyticsReportInstances/:id", "analyticsReportInstances_getInstance", this::getInstance);
        op(router, HttpMethod.GET, "/v1/analyticsReportInstances/:id/segments", "analyticsReportInstances_segments_getToManyRelated",
                this::instanceSegments);
        op(router, HttpMethod.GET, "/v1/analyticsReportInstances/:id/relationships/segments",
                "analyticsReportInstances_segments_getToManyRelationship", this::instanceSegmentLinkages);
        op(router, HttpMethod.GET, "/v1/analyticsReportSegments/:id", "analyticsReportSegments_getInstance", this::getSegment);

        // What Apple refuses: collection reads, updates, unknown relationships, unknown paths.
        for (String type : ALLOWED_OPERATIONS.keySet()) {
            op(router, HttpMethod.GET, "/v1/" + type, type + "_getCollection", notAllowed(type, "GET_COLLECTION"));
            op(router, HttpMethod.PATCH, "/v1/" + type + "/:id", type + "_updateInstance", notAllowed(type, "UPDATE"));
            if (!type.equals(REQUESTS)) {
                op(router, HttpMethod.POST, "/v1/" + type, type + "_createInstance", notAllowed(type, "CREATE"));
                op(router, HttpMethod.DELETE, "/v1/" + type + "/:id", type + "_deleteInstance", notAllowed(type, "DELETE"));
            }
            op(router, HttpMethod.GET, "/v1/" + type + "/:id/:relationship", "unknown", call -> {
                throw ApiError.relationshipNotFound(call.ctx.pathParam("relationship"));
            });
            op(router, HttpMethod.GET, "/v1/" + type + "/:id/relationships/:relationship", "unknown", call -> {
                throw ApiError.relationshipNotFound(call.ctx.pathParam("relationship"));
            });
        }
        router.route("/v1/*").blockingHandler(ctx -> serve(ctx, "unknown", call -> {
            throw ApiError.pathNotFound();
        }), false);
    }

    private static Operation notAllowed(String type, String operation) {
        return call -> {
            throw ApiError.operationNotAllowed(type, operation, ALLOWED_OPERATIONS.get(type));
        };
    }

    private void op(Router router, HttpMethod method, String path, String endpoint, Operation operation) {
        router.route(method, path).blockingHandler(ctx -> serve(ctx, endpoint, operation), false);
    }

    /** The gate every call passes, then the operation; the call is logged with its final status. */
    private void serve(RoutingContext ctx, String endpoint, Operation operation) {
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
                body = json.writeValueAsBytes(reply.body());
                if (faults.fire(s -> s.malformedJson)) {
                    body = java.util.Arrays.copyOf(body, body.length / 2);
                }
            }
        } catch (ApiError e) {
            status = e.status;
            body = errorBody(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 503;
            body = errorBody(ApiError.unavailable());
        } catch (Exception e) {
            status = 500;
            body = errorBody(ApiError.serverError());
        }
        log.call(endpoint, status, keyId);
        ctx.queryParams().names().stream().filter(n -> n.startsWith("filter[")).forEach(n -> log.filter(endpoint, n));
        ctx.response().setStatusCode(status);
        // the simulated clock's time (the real time unless it was set), as Apple's servers announce theirs; or the
        // wall clock (asc.simulator.data.date-header=real)
        Instant date = config.data().dateHeader() == SimulatorConfig.Data.DateHeader.REAL ? Instant.now() : clock.now();
        ctx.response().putHeader("Date", IMF_FIXDATE.format(date));
        if (body == null) {
            ctx.response().end();
        } else {
            ctx.response().putHeader("Content-Type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(body));
        }
    }

    byte[] errorBody(ApiError e) {
        ObjectNode error = json.createObjectNode();
        error.put("id", UUID.randomUUID().toString());
        error.put("status", Integer.toString(e.status));
        error.put("code", e.code);
        error.put("title", e.title);
        error.put("detail", e.detail);
        if (e.source != null) {
            ObjectNode source = error.putObject("source");
            e.source.forEach(source::put);
        }
        ObjectNode doc = json.createObjectNode();
        doc.putArray("errors").add(error);
        try {
            return json.writeValueAsBytes(doc);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    // ---- apps

    private Reply listApps(Call call) {
        call.allow("limit", "cursor", "fields[apps]", "filter[id]", "filter[bundleId]", "filter[name]", "filter[sku]");
        Set<String> fields = call.fields("apps", APP_FIELDS);
        List<String> ids = call.array("filter[id]");
        List<String> bundleIds = call.array("filter[bundleId]");
        List<String> names = call.array("filter[name]");
        List<String> skus = call.array("filter[sku]");
        List<App> apps = world.apps().stream()
                .filter(a -> ids.isEmpty() || ids.contains(a.id()))
                .filter(a -> bundleIds.isEmpty() || bundleIds.contains(a.bundleId()))
                .filter(a -> names.isEmpty() || names.contains(a.name()))
                .filter(a -> skus.isEmpty() || skus.contains(a.sku()))
                .toList();
        return page(call, apps, pageLimit(call), a -> app(call, a, fields));
    }

    private Reply getApp(Call call) {
        call.allow("fields[apps]");
        Set<String> fields = call.fields("apps", APP_FIELDS);
        App app = world.app(call.id()).orElseThrow(() -> ApiError.notFound("apps", call.id()));
        return single(call, app(call, app, fields), null);
    }

    private ObjectNode app(Call call, App a, Set<String> fields) {
        ObjectNode r = resource("apps", a.id(), call.base + "/v1/apps/" + a.id());
        ObjectNode attrs = json.createObjectNode();
        putIf(attrs, fields, "name", a.name());
        putIf(attrs, fields, "bundleId", a.bundleId());
        putIf(attrs, fields, "sku", a.sku());
        putIf(attrs, fields, "primaryLocale", "en-US");
        attributes(r, attrs);
        if (fields == null || fields.contains("analyticsReportRequests")) {
            relationship(r, "analyticsReportRequests", call.base + "/v1/apps/" + a.id());
        }
        return r;
    }

    // ---- requests

    private Reply appRequests(Call call) {
        call.requireAnalyticsAccess();
        call.allow("filter[accessType]", "fields[analyticsReportRequests]", "fields[analyticsReports]", "include", "limit", "limit[reports]", "cursor");
        App app = world.app(call.id()).orElseThrow(() -> ApiError.notFound("apps", call.id()));
        Set<AccessType> accessTypes = call.enums("filter[accessType]", AccessType.class);
        Set<String> fields = call.fields(REQUESTS, REQUEST_FIELDS);
        Inclusion inclusion = inclusion(call);
        int limit = pageLimit(call);
        List<ReportRequest> requests = world.requestsOf(app.id()).stream()
                .filter(r -> accessTypes.isEmpty() || accessTypes.contains(r.accessType()))
                .toList();
        Reply reply = page(call, requests, limit, r -> request(call, r, fields, inclusion));
        if (inclusion != null) {
            inclusion.attach((ObjectNode) reply.body());
        }
        return reply;
    }

    private Reply appRequestLinkages(Call call) {
        call.requireAnalyticsAccess();
        call.allow("limit", "cursor");
        App app = world.app(call.id()).orElseThrow(() -> ApiError.notFound("apps", call.id()));
        int limit = pageLimit(call);
        return page(call, world.requestsOf(app.id()), limit, r -> linkage(REQUESTS, r.id()));
    }

    private Reply createRequest(Call call) {
        call.requireAdmin();
        call.allow();
        JsonNode body;
        try {
            String text = call.ctx.body().asString();
            body = text == null || text.isBlank() ? null : json.readTree(text);
        } catch (Exception e) {
            throw ApiError.entityInvalid("", "The request entity is not valid JSON");
        }
        if (body == null || !body.path("data").isObject()) {
            throw ApiError.entityInvalid("/data", "You must provide a value for the attribute 'data' with this request");
        }
        JsonNode data = body.get("data");
        if (!REQUESTS.equals(data.path("type").asText(null))) {
            throw ApiError.entityInvalid("/data/type", "The resource type must be '" + REQUESTS + "'");
        }
        data.path("attributes").fieldNames().forEachRemaining(name -> {
            if (!name.equals("accessType")) {
                throw ApiError.attributeUnknown(REQUESTS, name);
            }
        });
        data.path("relationships").fieldNames().forEachRemaining(name -> {
            if (!name.equals("app")) {
                throw ApiError.relationshipUnknown(REQUESTS, name);
            }
        });
        String accessText = data.path("attributes").path("accessType").asText(null);
        if (accessText == null) {
            throw ApiError.entityInvalid("/data/attributes/accessType", "You must provide a value for the attribute 'accessType' with this request");
        }
        AccessType accessType;
        try {
            accessType = AccessType.valueOf(accessText);
        } catch (IllegalArgumentException e) {
            throw ApiError.entityInvalid("/data/attributes/accessType", "'" + accessText + "' is not a valid value for the attribute 'accessType'");
        }
        JsonNode appRef = data.path("relationships").path("app").path("data");
        if (!"apps".equals(appRef.path("type").asText(null)) || !appRef.path("id").isTextual()) {
            throw ApiError.entityInvalid("/data/relationships/app", "You must provide a value for the relationship 'app' with this request");
        }
        String appId = appRef.get("id").asText();
        if (world.app(appId).isEmpty()) {
            throw ApiError.relationshipInvalid(appId);
        }
        ReportRequest created;
        synchronized (world) {
            if (world.refusal(appId, accessType).isPresent()) {
                throw ApiError.stateError();
            }
            created = world.create(appId, accessType);
        }
        ObjectNode doc = json.createObjectNode();
        doc.set("data", request(call, created, null, null));
        doc.putObject("links").put("self", call.base + "/v1/" + REQUESTS);
        return new Reply(201, doc);
    }

    private Reply getRequest(Call call) {
        call.requireAnalyticsAccess();
        call.allow("fields[analyticsReportRequests]", "fields[analyticsReports]", "include", "limit[reports]");
        ReportRequest r = world.request(call.id()).orElseThrow(() -> ApiError.notFound(REQUESTS, call.id()));
        Set<String> fields = call.fields(REQUESTS, REQUEST_FIELDS);
        Inclusion inclusion = inclusion(call);
        Reply reply = single(call, request(call, r, fields, inclusion), null);
        if (inclusion != null) {
            inclusion.attach((ObjectNode) reply.body());
        }
        return reply;
    }

    private Reply deleteRequest(Call call) {
        call.requireAdmin();
        call.allow();
        if (!world.delete(call.id())) {
            throw ApiError.notFound(REQUESTS, call.id());
        }
        return new Reply(204, null);
    }

    private ObjectNode request(Call call, ReportRequest r, Set<String> fields, Inclusion inclusion) {
        String self = call.base + "/v1/" + REQUESTS + "/" + r.id();
        ObjectNode node = resource(REQUESTS, r.id(), self);
        ObjectNode attrs = json.createObjectNode();
        putIf(attrs, fields, "accessType", r.accessType().name());
        if (fields == null || fields.contains("stoppedDueToInactivity")) {
            attrs.put("stoppedDueToInactivity", r.stopped());
        }
        attributes(node, attrs);
        if (fields == null || fields.contains("reports")) {
            ObjectNode rel = relationship(node, "reports", self);
            if (inclusion != null) {
                inclusion.add(call, r, rel);
            }
        }
        return node;
    }

    /** {@code include=reports}: linkages on each request and the reports themselves in {@code included}; null without it. */
    private final class Inclusion {
        final Set<String> reportFields;
        final int limit;
        final Map<String, ObjectNode> included = new LinkedHashMap<>();

        Inclusion(Set<String> reportFields, int limit) {
            this.reportFields = reportFields;
            this.limit = limit;
        }

        void add(Call call, ReportRequest r, ObjectNode relationship) {
            List<Report> reports = world.reports(r);
            ArrayNode data = relationship.putArray("data");
            for (Report report : reports.subList(0, Math.min(limit, reports.size()))) {
                data.add(linkage(REPORTS, report.id()));
                included.computeIfAbsent(report.id(), id -> report(call, report, reportFields));
            }
            ObjectNode paging = relationship.putObject("meta").putObject("paging");
            paging.put("total", reports.size());
            paging.put("limit", limit);
        }

        void attach(ObjectNode doc) {
            if (!included.isEmpty()) {
                ArrayNode arr = doc.putArray("included");
                included.values().forEach(arr::add);
            }
        }
    }

    private Inclusion inclusion(Call call) {
        List<String> include = call.array("include");
        for (String i : include) {
            if (!i.equals("reports")) {
                throw ApiError.parameterInvalid("include", "'" + i + "' is not a valid relationship name for the parameter 'include'");
            }
        }
        Set<String> reportFields = call.fields(REPORTS, REPORT_FIELDS);
        int limit = call.limit("limit[reports]", config.paging().defaultIncludedLimit(), config.paging().maxIncludedLimit());
        if (include.isEmpty()) {
            // as Apple: limit[reports] without include=reports is accepted and has no effect
            return null;
        }
        return new Inclusion(reportFields, limit);
    }

    // ---- reports

    private Reply requestReports(Call call) {
        call.requireAnalyticsAccess();
        call.allow("filter[name]", "filter[category]", "fields[analyticsReports]", "limit", "cursor");
        ReportRequest r = world.request(call.id()).orElseThrow(() -> ApiError.notFound(REQUESTS, call.id()));
        List<String> names = call.array("filter[name]");
        Set<Category> categories = call.enums("filter[category]", Category.class);
        Set<String> fields = call.fields(REPORTS, REPORT_FIELDS);
        int limit = pageLimit(call);
        world.markRead(r);
        List<Report> reports = world.reports(r).stream()
                .filter(x -> names.isEmpty() || names.contains(x.type().name()))
                .filter(x -> categories.isEmpty() || categories.contains(x.type().category()))
                .toList();
        return page(call, reports, limit, x -> report(call, x, fields));
    }

    private Reply requestReportLinkages(Call call) {
        call.requireAnalyticsAccess();
        call.allow("limit", "cursor");
        ReportRequest r = world.request(call.id()).orElseThrow(() -> ApiError.notFound(REQUESTS, call.id()));
        int limit = pageLimit(call);
        world.markRead(r);
        return page(call, world.reports(r), limit, x -> linkage(REPORTS, x.id()));
    }

    private Reply getReport(Call call) {
        call.requireAnalyticsAccess();
        call.allow("fields[analyticsReports]");
        Set<String> fields = call.fields(REPORTS, REPORT_FIELDS);
        Report report = world.report(call.id()).orElseThrow(() -> ApiError.notFound(REPORTS, call.id()));
        return single(call, report(call, report, fields), null);
    }

    private ObjectNode report(Call call, Report report, Set<String> fields) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("name", report.type().name());
        attributes.put("category", report.type().category().name());
        return resource(call, REPORTS, report.id(), fields, attributes, "instances");
    }

    // ---- instances

    private Reply reportInstances(Call call) {
        call.requireAnalyticsAccess();
        call.allow("filter[granularity]", "filter[processingDate]", "fields[analyticsReportInstances]", "limit", "cursor");
        Report report = world.report(call.id()).orElseThrow(() -> ApiError.notFound(REPORTS, call.id()));
        Set<Granularity> granularities = call.enums("filter[granularity]", Granularity.class);
        Set<LocalDate> dates = call.dates("filter[processingDate]");
        Set<String> fields = call.fields(INSTANCES, INSTANCE_FIELDS);
        int limit = pageLimit(call);
        world.markRead(report.request());
        List<Instance> instances = world.instances(report).stream()
                .filter(i -> granularities.isEmpty() || granularities.contains(i.granularity()))
                .filter(i -> dates.isEmpty() || dates.contains(i.processingDate()))
                .toList();
        return page(call, instances, limit, i -> instance(call, i, fields));
    }

    private Reply reportInstanceLinkages(Call call) {
        call.requireAnalyticsAccess();
        call.allow("limit", "cursor");
        Report report = world.report(call.id()).orElseThrow(() -> ApiError.notFound(REPORTS, call.id()));
        int limit = pageLimit(call);
        world.markRead(report.request());
        return page(call, world.instances(report), limit, i -> linkage(INSTANCES, i.id()));
    }

    private Reply getInstance(Call call) {
        call.requireAnalyticsAccess();
        call.allow("fields[analyticsReportInstances]");
        Set<String> fields = call.fields(INSTANCES, INSTANCE_FIELDS);
        Instance instance = world.instance(call.id()).orElseThrow(() -> ApiError.notFound(INSTANCES, call.id()));
        return single(call, instance(call, instance, fields), null);
    }

    private ObjectNode instance(Call call, Instance i, Set<String> fields) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("granularity", i.granularity().name());
        attributes.put("processingDate", i.processingDate().toString());
        return resource(call, INSTANCES, i.id(), fields, attributes, "segments");
    }

    // ---- segments

    private Reply instanceSegments(Call call) {
        call.requireAnalyticsAccess();
        call.allow("fields[analyticsReportSegments]", "limit", "cursor");
        Instance instance = world.instance(call.id()).orElseThrow(() -> ApiError.notFound(INSTANCES, call.id()));
        Set<String> fields = call.fields(SEGMENTS, SEGMENT_FIELDS);
        int limit = pageLimit(call);
        world.markRead(instance.report().request());
        return page(call, world.segments(instance), limit, s -> segment(call, s, fields));
    }

    private Reply instanceSegmentLinkages(Call call) {
        call.requireAnalyticsAccess();
        call.allow("limit", "cursor");
        Instance instance = world.instance(call.id()).orElseThrow(() -> ApiError.notFound(INSTANCES, call.id()));
        int limit = pageLimit(call);
        world.markRead(instance.report().request());
        return page(call, world.segments(instance), limit, s -> linkage(SEGMENTS, s.id()));
    }

    private Reply getSegment(Call call) {
        call.requireAnalyticsAccess();
        call.allow("fields[analyticsReportSegments]");
        Set<String> fields = call.fields(SEGMENTS, SEGMENT_FIELDS);
        Segment segment = world.segment(call.id()).orElseThrow(() -> ApiError.notFound(SEGMENTS, call.id()));
        world.markRead(segment.instance().report().request());
        return single(call, segment(call, segment, fields), null);
    }

    /** Every rendering mints a fresh presigned URL, valid for {@code X-Amz-Expires} seconds. */
    private ObjectNode segment(Call call, Segment s, Set<String> fields) {
        ObjectNode node = resource(SEGMENTS, s.id(), call.base + "/v1/" + SEGMENTS + "/" + s.id());
        ObjectNode attrs = json.createObjectNode();
        FileMeta meta = files.meta(s);
        putIf(attrs, fields, "checksum", meta.checksum());
        if (fields == null || fields.contains("sizeInBytes")) {
            attrs.put("sizeInBytes", meta.sizeInBytes());
        }
        putIf(attrs, fields, "url", presigner.url(files.storagePath(s)));
        attributes(node, attrs);
        return node;
    }

    // ---- JSON:API shapes

    private ObjectNode resource(String type, String id, String self) {
        ObjectNode r = json.createObjectNode();
        r.put("type", type);
        r.put("id", id);
        r.putObject("links").put("self", self);
        return r;
    }

    /** Puts attributes before links, as Apple orders them, and omits an empty attributes object. */
    private static void attributes(ObjectNode resource, ObjectNode attrs) {
        JsonNode links = resource.remove("links");
        if (!attrs.isEmpty()) {
            resource.set("attributes", attrs);
        }
        resource.set("links", links);
    }

    private ObjectNode relationship(ObjectNode resource, String name, String owner) {
        JsonNode links = resource.remove("links");
        ObjectNode rels = resource.has("relationships") ? (ObjectNode) resource.get("relationships") : resource.putObject("relationships");
        ObjectNode rel = rels.putObject(name);
        rel.putObject("links").put("self", owner + "/relationships/" + name).put("related", owner + "/" + name);
        resource.set("links", links);
        return rel;
    }

    private ObjectNode linkage(String type, String id) {
        ObjectNode l = json.createObjectNode();
        l.put("type", type);
        l.put("id", id);
        return l;
    }

    private static void putIf(ObjectNode attrs, Set<String> fields, String name, String value) {
        if (fields == null || fields.contains(name)) {
            attrs.put(name, value);
        }
    }

    private int pageLimit(Call call) {
        return call.limit("limit", config.paging().defaultLimit(), config.paging().maxLimit());
    }

    /** A resource with its attributes (those in the sparse fieldset) and, when asked for, one to-many relationship. */
    private ObjectNode resource(Call call, String type, String id, Set<String> fields, Map<String, String> attributes, String relationship) {
        String self = call.base + "/v1/" + type + "/" + id;
        ObjectNode node = resource(type, id, self);
        ObjectNode attrs = json.createObjectNode();
        attributes.forEach((name, value) -> putIf(attrs, fields, name, value));
        attributes(node, attrs);
        if (fields == null || fields.contains(relationship)) {
            relationship(node, relationship, self);
        }
        return node;
    }

    private Reply single(Call call, ObjectNode data, ArrayNode included) {
        ObjectNode doc = json.createObjectNode();
        doc.set("data", data);
        if (included != null) {
            doc.set("included", included);
        }
        doc.putObject("links").put("self", call.self());
        return new Reply(200, doc);
    }

    private <T> Reply page(Call call, List<T> all, int limit, Function<T, JsonNode> render) {
        int offset = call.offset();
        int from = Math.min(offset, all.size());
        int to = Math.min(from + limit, all.size());
        ObjectNode doc = json.createObjectNode();
        ArrayNode data = doc.putArray("data");
        all.subList(from, to).forEach(x -> data.add(render.apply(x)));
        ObjectNode links = doc.putObject("links");
        links.put("self", call.self());
        if (to < all.size()) {
            links.put("next", call.next(to));
        }
        ObjectNode paging = doc.putObject("meta").putObject("paging");
        paging.put("total", all.size());
        paging.put("limit", limit);
        return new Reply(200, doc);
    }
}
