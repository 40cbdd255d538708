package io.github.ascanalyticssync.simulator;

import static io.github.ascanalyticssync.simulator.JsonApi.INSTANCES;
import static io.github.ascanalyticssync.simulator.JsonApi.REPORTS;
import static io.github.ascanalyticssync.simulator.JsonApi.REQUESTS;
import static io.github.ascanalyticssync.simulator.JsonApi.SEGMENTS;
import static io.github.ascanalyticssync.simulator.JsonApi.attributes;
import static io.github.ascanalyticssync.simulator.JsonApi.putIf;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ascanalyticssync.simulator.ApiGate.Reply;
import io.github.ascanalyticssync.simulator.Model.Category;
import io.github.ascanalyticssync.simulator.Model.Granularity;
import io.github.ascanalyticssync.simulator.Model.Instance;
import io.github.ascanalyticssync.simulator.Model.Report;
import io.github.ascanalyticssync.simulator.Model.ReportRequest;
import io.github.ascanalyticssync.simulator.Model.Segment;
import io.github.ascanalyticssync.simulator.SegmentFiles.FileMeta;

/**
 * What a request produces, read through the API: its reports, their instances, the instances' segments (each with
 * a freshly presigned URL). Every read of them counts as a read of the request.
 */
final class ReportResources {

    static final Set<String> REPORT_FIELDS = Set.of("name", "category", "instances");
    private static final Set<String> INSTANCE_FIELDS = Set.of("granularity", "processingDate", "segments");
    private static final Set<String> SEGMENT_FIELDS = Set.of("checksum", "sizeInBytes", "url");

    private final World world;
    private final SegmentFiles files;
    private final Presigner presigner;
    private final JsonApi json;

    ReportResources(World world, SegmentFiles files, Presigner presigner, JsonApi json) {
        this.world = world;
        this.files = files;
        this.presigner = presigner;
        this.json = json;
    }

    // ---- reports

    Reply requestReports(Call call) {
        call.requireAnalyticsAccess();
        call.allow("filter[name]", "filter[category]", "fields[analyticsReports]", "limit", "cursor");
        ReportRequest r = world.request(call.id()).orElseThrow(() -> ApiError.notFound(REQUESTS, call.id()));
        List<String> names = call.array("filter[name]");
        Set<Category> categories = call.enums("filter[category]", Category.class);
        Set<String> fields = call.fields(REPORTS, REPORT_FIELDS);
        int limit = json.pageLimit(call);
        world.markRead(r);
        List<Report> reports = world.reports(r).stream()
                .filter(x -> names.isEmpty() || names.contains(x.type().name()))
                .filter(x -> categories.isEmpty() || categories.contains(x.type().category()))
                .toList();
        return json.page(call, reports, limit, x -> report(call, x, fields));
    }

    Reply requestReportLinkages(Call call) {
        call.requireAnalyticsAccess();
        call.allow("limit", "cursor");
        ReportRequest r = world.request(call.id()).orElseThrow(() -> ApiError.notFound(REQUESTS, call.id()));
        int limit = json.pageLimit(call);
        world.markRead(r);
        return json.page(call, world.reports(r), limit, x -> json.linkage(REPORTS, x.id()));
    }

    Reply getReport(Call call) {
        call.requireAnalyticsAccess();
        call.allow("fields[analyticsReports]");
        Set<String> fields = call.fields(REPORTS, REPORT_FIELDS);
        Report report = world.report(call.id()).orElseThrow(() -> ApiError.notFound(REPORTS, call.id()));
        return json.single(call, report(call, report, fields), null);
    }

    ObjectNode report(Call call, Report report, Set<String> fields) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("name", report.type().name());
        attributes.put("category", report.type().category().name());
        return json.resource(call, REPORTS, report.id(), fields, attributes, "instances");
    }

    // ---- instances

    Reply reportInstances(Call call) {
        call.requireAnalyticsAccess();
        call.allow("filter[granularity]", "filter[processingDate]", "fields[analyticsReportInstances]", "limit", "cursor");
        Report report = world.report(call.id()).orElseThrow(() -> ApiError.notFound(REPORTS, call.id()));
        Set<Granularity> granularities = call.enums("filter[granularity]", Granularity.class);
        Set<LocalDate> dates = call.dates("filter[processingDate]");
        Set<String> fields = call.fields(INSTANCES, INSTANCE_FIELDS);
        int limit = json.pageLimit(call);
        world.markRead(report.request());
        List<Instance> instances = world.instances(report).stream()
                .filter(i -> granularities.isEmpty() || granularities.contains(i.granularity()))
                .filter(i -> dates.isEmpty() || dates.contains(i.processingDate()))
                .toList();
        return json.page(call, instances, limit, i -> instance(call, i, fields));
    }

    Reply reportInstanceLinkages(Call call) {
        call.requireAnalyticsAccess();
        call.allow("limit", "cursor");
        Report report = world.report(call.id()).orElseThrow(() -> ApiError.notFound(REPORTS, call.id()));
        int limit = json.pageLimit(call);
        world.markRead(report.request());
        return json.page(call, world.instances(report), limit, i -> json.linkage(INSTANCES, i.id()));
    }

    Reply getInstance(Call call) {
        call.requireAnalyticsAccess();
        call.allow("fields[analyticsReportInstances]");
        Set<String> fields = call.fields(INSTANCES, INSTANCE_FIELDS);
        Instance instance = world.instance(call.id()).orElseThrow(() -> ApiError.notFound(INSTANCES, call.id()));
        return json.single(call, instance(call, instance, fields), null);
    }

    private ObjectNode instance(Call call, Instance i, Set<String> fields) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("granularity", i.granularity().name());
        attributes.put("processingDate", i.processingDate().toString());
        return json.resource(call, INSTANCES, i.id(), fields, attributes, "segments");
    }

    // ---- segments

    Reply instanceSegments(Call call) {
        call.requireAnalyticsAccess();
        call.allow("fields[analyticsReportSegments]", "limit", "cursor");
        Instance instance = world.instance(call.id()).orElseThrow(() -> ApiError.notFound(INSTANCES, call.id()));
        Set<String> fields = call.fields(SEGMENTS, SEGMENT_FIELDS);
        int limit = json.pageLimit(call);
        world.markRead(instance.report().request());
        return json.page(call, world.segments(instance), limit, s -> segment(call, s, fields));
    }

    Reply instanceSegmentLinkages(Call call) {
        call.requireAnalyticsAccess();
        call.allow("limit", "cursor");
        Instance instance = world.instance(call.id()).orElseThrow(() -> ApiError.notFound(INSTANCES, call.id()));
        int limit = json.pageLimit(call);
        world.markRead(instance.report().request());
        return json.page(call, world.segments(instance), limit, s -> json.linkage(SEGMENTS, s.id()));
    }

    Reply getSegment(Call call) {
        call.requireAnalyticsAccess();
        call.allow("fields[analyticsReportSegments]");
        Set<String> fields = call.fields(SEGMENTS, SEGMENT_FIELDS);
        Segment segment = world.segment(call.id()).orElseThrow(() -> ApiError.notFound(SEGMENTS, call.id()));
        world.markRead(segment.instance().report().request());
        return json.single(call, segment(call, segment, fields), null);
    }

    /** Every rendering mints a fresh presigned URL, valid for {@code X-Amz-Expires} seconds. */
    private ObjectNode segment(Call call, Segment s, Set<String> fields) {
        ObjectNode node = json.resource(SEGMENTS, s.id(), call.base + "/v1/" + SEGMENTS + "/" + s.id());
        ObjectNode attrs = json.object();
        FileMeta meta = files.meta(s);
        putIf(attrs, fields, "checksum", meta.checksum());
        if (fields == null || fields.contains("sizeInBytes")) {
            attrs.put("sizeInBytes", meta.sizeInBytes());
        }
        putIf(attrs, fields, "url", presigner.url(files.storagePath(s)));
        attributes(node, attrs);
        return node;
    }
}
