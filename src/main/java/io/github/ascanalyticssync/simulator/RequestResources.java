package io.github.ascanalyticssync.simulator;

import static io.github.ascanalyticssync.simulator.JsonApi.REPORTS;
import static io.github.ascanalyticssync.simulator.JsonApi.REQUESTS;
import static io.github.ascanalyticssync.simulator.JsonApi.attributes;
import static io.github.ascanalyticssync.simulator.JsonApi.putIf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ascanalyticssync.simulator.ApiGate.Reply;
import io.github.ascanalyticssync.simulator.Model.AccessType;
import io.github.ascanalyticssync.simulator.Model.App;
import io.github.ascanalyticssync.simulator.Model.Report;
import io.github.ascanalyticssync.simulator.Model.ReportRequest;

/**
 * The report requests: an app's list and linkages, create (with Apple's validation of the body and its refusals),
 * read with {@code include=reports}, and delete.
 */
final class RequestResources {

    private static final Set<String> REQUEST_FIELDS = Set.of("accessType", "stoppedDueToInactivity", "reports");

    private final World world;
    private final SimulatorConfig config;
    private final JsonApi json;
    private final ReportResources reportResources;

    RequestResources(World world, SimulatorConfig config, JsonApi json, ReportResources reports) {
        this.world = world;
        this.config = config;
        this.json = json;
        this.reportResources = reports;
    }

    Reply appRequests(Call call) {
        call.requireAnalyticsAccess();
        call.allow("filter[accessType]", "fields[analyticsReportRequests]", "fields[analyticsReports]", "include", "limit", "limit[reports]", "cursor");
        App app = world.app(call.id()).orElseThrow(() -> ApiError.notFound("apps", call.id()));
        Set<AccessType> accessTypes = call.enums("filter[accessType]", AccessType.class);
        Set<String> fields = call.fields(REQUESTS, REQUEST_FIELDS);
        Inclusion inclusion = inclusion(call);
        int limit = json.pageLimit(call);
        List<ReportRequest> requests = world.requestsOf(app.id()).stream()
                .filter(r -> accessTypes.isEmpty() || accessTypes.contains(r.accessType()))
                .toList();
        Reply reply = json.page(call, requests, limit, r -> request(call, r, fields, inclusion));
        if (inclusion != null) {
            inclusion.attach((ObjectNode) reply.body());
        }
        return reply;
    }

    Reply appRequestLinkages(Call call) {
        call.requireAnalyticsAccess();
        call.allow("limit", "cursor");
        App app = world.app(call.id()).orElseThrow(() -> ApiError.notFound("apps", call.id()));
        int limit = json.pageLimit(call);
        return json.page(call, world.requestsOf(app.id()), limit, r -> json.linkage(REQUESTS, r.id()));
    }

    Reply createRequest(Call call) {
        call.requireAdmin();
        call.allow();
        JsonNode body;
        try {
            String text = call.ctx.body().asString();
            body = text == null || text.isBlank() ? null : json.parse(text);
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
        ObjectNode doc = json.object();
        doc.set("data", request(call, created, null, null));
        doc.putObject("links").put("self", call.base + "/v1/" + REQUESTS);
        return new Reply(201, doc);
    }

    Reply getRequest(Call call) {
        call.requireAnalyticsAccess();
        call.allow("fields[analyticsReportRequests]", "fields[analyticsReports]", "include", "limit[reports]");
        ReportRequest r = world.request(call.id()).orElseThrow(() -> ApiError.notFound(REQUESTS, call.id()));
        Set<String> fields = call.fields(REQUESTS, REQUEST_FIELDS);
        Inclusion inclusion = inclusion(call);
        Reply reply = json.single(call, request(call, r, fields, inclusion), null);
        if (inclusion != null) {
            inclusion.attach((ObjectNode) reply.body());
        }
        return reply;
    }

    Reply deleteRequest(Call call) {
        call.requireAdmin();
        call.allow();
        if (!world.delete(call.id())) {
            throw ApiError.notFound(REQUESTS, call.id());
        }
        return new Reply(204, null);
    }

    private ObjectNode request(Call call, ReportRequest r, Set<String> fields, Inclusion inclusion) {
        String self = call.base + "/v1/" + REQUESTS + "/" + r.id();
        ObjectNode node = json.resource(REQUESTS, r.id(), self);
        ObjectNode attrs = json.object();
        putIf(attrs, fields, "accessType", r.accessType().name());
        if (fields == null || fields.contains("stoppedDueToInactivity")) {
            attrs.put("stoppedDueToInactivity", r.stopped());
        }
        attributes(node, attrs);
        if (fields == null || fields.contains("reports")) {
            ObjectNode rel = json.relationship(node, "reports", self);
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
                data.add(json.linkage(REPORTS, report.id()));
                included.computeIfAbsent(report.id(), id -> reportResources.report(call, report, reportFields));
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
        Set<String> reportFields = call.fields(REPORTS, ReportResources.REPORT_FIELDS);
        int limit = call.limit("limit[reports]", config.paging().defaultIncludedLimit(), config.paging().maxIncludedLimit());
        if (include.isEmpty()) {
            // as Apple: limit[reports] without include=reports is accepted and has no effect
            return null;
        }
        return new Inclusion(reportFields, limit);
    }
}
