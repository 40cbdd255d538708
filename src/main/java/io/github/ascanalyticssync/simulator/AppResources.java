package io.github.ascanalyticssync.simulator;

import static io.github.ascanalyticssync.simulator.JsonApi.attributes;
import static io.github.ascanalyticssync.simulator.JsonApi.putIf;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ascanalyticssync.simulator.ApiGate.Reply;
import io.github.ascanalyticssync.simulator.Model.App;

/** The team's apps: {@code GET /v1/apps} with its filters, and one app. */
final class AppResources {

    private static final Set<String> APP_FIELDS = Set.of("name", "bundleId", "sku", "primaryLocale", "analyticsReportRequests");

    private final World world;
    private final JsonApi json;

    AppResources(World world, JsonApi json) {
        this.world = world;
        this.json = json;
    }

    Reply list(Call call) {
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
        return json.page(call, apps, json.pageLimit(call), a -> app(call, a, fields));
    }

    Reply get(Call call) {
        call.allow("fields[apps]");
        Set<String> fields = call.fields("apps", APP_FIELDS);
        App app = world.app(call.id()).orElseThrow(() -> ApiError.notFound("apps", call.id()));
        return json.single(call, app(call, app, fields), null);
    }

    private ObjectNode app(Call call, App a, Set<String> fields) {
        ObjectNode r = json.resource("apps", a.id(), call.base + "/v1/apps/" + a.id());
        ObjectNode attrs = json.object();
        putIf(attrs, fields, "name", a.name());
        putIf(attrs, fields, "bundleId", a.bundleId());
        putIf(attrs, fields, "sku", a.sku());
        putIf(attrs, fields, "primaryLocale", "en-US");
        attributes(r, attrs);
        if (fields == null || fields.contains("analyticsReportRequests")) {
            json.relationship(r, "analyticsReportRequests", call.base + "/v1/apps/" + a.id());
        }
        return r;
    }
}
