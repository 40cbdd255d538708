package io.github.ascanalyticssync.simulator;

import static io.github.ascanalyticssync.simulator.JsonApi.INSTANCES;
import static io.github.ascanalyticssync.simulator.JsonApi.REPORTS;
import static io.github.ascanalyticssync.simulator.JsonApi.REQUESTS;
import static io.github.ascanalyticssync.simulator.JsonApi.SEGMENTS;

import java.util.Map;

import io.github.ascanalyticssync.simulator.ApiGate.Operation;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The App Store Connect API surface: the 14 analytics operations, {@code GET /v1/apps}, and Apple's answers to
 * everything else. Every call passes the same gate (ApiGate): latency, token, quota, injected faults, then the
 * operation.
 */
public class ApiRoutes {

    private static final Map<String, String> ALLOWED_OPERATIONS = Map.of(
            REQUESTS, "CREATE, DELETE, GET_INSTANCE",
            REPORTS, "GET_INSTANCE",
            INSTANCES, "GET_INSTANCE",
            SEGMENTS, "GET_INSTANCE");

    private final JsonApi json;
    private final ApiGate gate;
    private final AppResources apps;
    private final RequestResources requests;
    private final ReportResources reports;

    public ApiRoutes(World world, SegmentFiles files, Presigner presigner, Authenticator authenticator, RateLimiter rateLimiter,
            FaultPlan faults, CallLog log, Endpoints endpoints, SimulatorConfig config, SimulatorClock clock) {
        this.json = new JsonApi(config);
        this.gate = new ApiGate(authenticator, rateLimiter, faults, log, endpoints, config, clock, json);
        this.apps = new AppResources(world, json);
        this.reports = new ReportResources(world, files, presigner, json);
        this.requests = new RequestResources(world, config, json, reports);
    }

    void mount(Router router) {
        router.route("/v1/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        op(router, HttpMethod.GET, "/v1/apps", "apps_getCollection", apps::list);
        op(router, HttpMethod.GET, "/v1/apps/:id", "apps_getInstance", apps::get);
        op(router, HttpMethod.GET, "/v1/apps/:id/analyticsReportRequests", "apps_analyticsReportRequests_getToManyRelated", requests::appRequests);
        op(router, HttpMethod.GET, "/v1/apps/:id/relationships/analyticsReportRequests", "apps_analyticsReportRequests_getToManyRelationship",
                requests::appRequestLinkages);
        op(router, HttpMethod.POST, "/v1/analyticsReportRequests", "analyticsReportRequests_createInstance", requests::createRequest);
        op(router, HttpMethod.GET, "/v1/analyticsReportRequests/:id", "analyticsReportRequests_getInstance", requests::getRequest);
        op(router, HttpMethod.DELETE, "/v1/analyticsReportRequests/:id", "analyticsReportRequests_deleteInstance", requests::deleteRequest);
        op(router, HttpMethod.GET, "/v1/analyticsReportRequests/:id/reports", "analyticsReportRequests_reports_getToManyRelated",
                reports::requestReports);
        op(router, HttpMethod.GET, "/v1/analyticsReportRequests/:id/relationships/reports", "analyticsReportRequests_reports_getToManyRelationship",
                reports::requestReportLinkages);
        op(router, HttpMethod.GET, "/v1/analyticsReports/:id", "analyticsReports_getInstance", reports::getReport);
        op(router, HttpMethod.GET, "/v1/analyticsReports/:id/instances", "analyticsReports_instances_getToManyRelated", reports::reportInstances);
        op(router, HttpMethod.GET, "/v1/analyticsReports/:id/relationships/instances", "analyticsReports_instances_getToManyRelationship",
                reports::reportInstanceLinkages);
        op(router, HttpMethod.GET, "/v1/analyticsReportInstances/:id", "analyticsReportInstances_getInstance", reports::getInstance);
        op(router, HttpMethod.GET, "/v1/analyticsReportInstances/:id/segments", "analyticsReportInstances_segments_getToManyRelated",
                reports::instanceSegments);
        op(router, HttpMethod.GET, "/v1/analyticsReportInstances/:id/relationships/segments",
                "analyticsReportInstances_segments_getToManyRelationship", reports::instanceSegmentLinkages);
        op(router, HttpMethod.GET, "/v1/analyticsReportSegments/:id", "analyticsReportSegments_getInstance", reports::getSegment);

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
        router.route("/v1/*").blockingHandler(ctx -> gate.serve(ctx, "unknown", call -> {
            throw ApiError.pathNotFound();
        }), false);
    }

    private static Operation notAllowed(String type, String operation) {
        return call -> {
            throw ApiError.operationNotAllowed(type, operation, ALLOWED_OPERATIONS.get(type));
        };
    }

    private void op(Router router, HttpMethod method, String path, String endpoint, Operation operation) {
        gate.op(router, method, path, endpoint, operation);
    }

    /** Apple's error document for an error, as every API answer carries it. */
    byte[] errorBody(ApiError e) {
        return json.errorBody(e);
    }
}
