package io.github.ascanalyticssync.destination;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.quarkus.runtime.annotations.RegisterForReflection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.apache.camel.Variable;
import org.apache.camel.spi.IdempotentRepository;
import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.segment.SegmentFacts;
import io.github.ascanalyticssync.segment.SegmentFetcher;
import io.github.ascanalyticssync.sync.SyncRun;

/**
 * Which destination still lacks what. A destination is any route whose id is {@code deliver-<name>} (one
 * {@code templatedRoute} per destination in routes/), unless {@code asc.destinations.<name>.enabled=false}. The
 * delivery ledger records {@code <name>:<segmentId>} and {@code <name>:manifest:<instanceId>} once the destination
 * confirmed them.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("deliveries")
public class Deliveries {

    private static final String PREFIX = "deliver-";

    /** What a consumer must do with overlapping instances, in every manifest. */
    static final String RESTATEMENT = "Apple restates recent days: for each app, report, granularity and Date, keep only the rows of"
            + " the instance with the latest processingDate (ONGOING and ONE_TIME_SNAPSHOT alike); never add rows of the same Date"
            + " from different instances";

    @Inject
    ObjectMapper json;

    @Inject
    CamelContext camel;

    @Inject
    @Named("deliveryLedger")
    IdempotentRepository ledger;

    @Inject
    @Named("instanceLedger")
    IdempotentRepository instanceLedger;

    @Inject
    SegmentFetcher fetcher;

    @Inject
    SyncRun run;

    /** The enabled destinations, worked out again only when the set of routes changes (not for every segment). */
    private volatile List<String> names = List.of();
    private volatile int routesSeen = -1;

    /** The names of the enabled destinations. */
    public List<String> names() {
        int routes = camel.getRoutesSize();
        if (routes != routesSeen) {
            names = findNames();
            routesSeen = routes;
        }
        return names;
    }

    private List<String> findNames() {
        List<String> names = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            String id = route.getRouteId();
            if (id.startsWith(PREFIX)) {
                String name = id.substring(PREFIX.length());
                boolean enabled = ConfigProvider.getConfig().getOptionalValue("asc.destinations." + name + ".enabled", Boolean.class).orElse(true);
                if (enabled) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        return List.copyOf(names);
    }

    private String lacking(String deliveryId) {
        return names().stream().filter(n -> !ledger.contains(n + ":" + deliveryId)).map(n -> "direct:" + PREFIX + n)
                .collect(Collectors.joining(","));
    }

    /** The walk's variables of one instance, from the listed instance in the body. */
    public void instance(Exchange exchange) {
        JsonApi.Resource instance = exchange.getMessage().getBody(JsonApi.Resource.class);
        JsonApi.Attributes attributes = instance.attributes();
        String reportName = exchange.getVariable("reportName", String.class);
        exchange.setVariable("instanceId", instance.id());
        exchange.setVariable("granularity", attributes.granularity());
        exchange.setVariable("processingDate", attributes.processingDate());
        exchange.setVariable("reportSlug", Layout.slug(reportName));
        exchange.setVariable("instanceDir", Layout.instanceDir(exchange.getVariable("appId", String.class),
                exchange.getVariable("accessType", String.class), reportName, String.valueOf(attributes.granularity()),
                String.valueOf(attributes.processingDate())));
    }

    /**
     * The walk's variables of one segment, from the listed segment in the body, with {@code destinations}: the
     * endpoints of the destinations that still lack it (empty when all have it). The message carries only what a
     * sink needs: the header {@code file} (its path in the layout) and the object-store headers.
     */
    public void segment(Exchange exchange) {
        JsonApi.Resource segment = exchange.getMessage().getBody(JsonApi.Resource.class);
        JsonApi.Attributes attributes = segment.attributes();
        String id = segment.id();
        String appId = exchange.getVariable("appId", String.class);
        exchange.setVariable("segmentId", id);
        exchange.setVariable("segmentUrl", attributes.url());
        exchange.setVariable("segmentChecksum", attributes.checksum());
        exchange.setVariable("segmentSize", attributes.sizeInBytes());
        exchange.setVariable("deliveryId", id);
        exchange.setVariable("deliveryKind", "segment");
        Message m = exchange.getMessage();
        m.setBody(null);
        m.setHeader("file", Layout.segmentFile(exchange.getVariable("instanceDir", String.class), id));
        objectHeaders(exchange, "application/gzip", String.valueOf(attributes.checksum()));
        String destinations = lacking(id);
        if (run.stopping() && !destinations.isEmpty()) {
            run.segmentLeft(appId, id);
            exchange.setVariable("destinations", "");
            exchange.setVariable("needsFacts", false);
            return;
        }
        exchange.setVariable("destinations", destinations);
        // the manifest needs the segment's facts: a segment delivered everywhere whose facts were lost is read again
        exchange.setVariable("needsFacts", destinations.isEmpty() && !run.stopping() && !fetcher.hasFacts(id));
        if (destinations.isEmpty()) {
            run.segmentSkipped(appId);
        }
    }

    /** Records the segments of the listed page (variable {@code page}) for the completion check ({@code segmentIds}). */
    public void segments(Exchange exchange, @Variable("page") JsonApi.Document page) {
        @SuppressWarnings("unchecked")
        List<String> ids = exchange.getVariable("segmentIds", List.class);
        if (ids == null) {
            ids = new ArrayList<>();
            exchange.setVariable("segmentIds", ids);
        }
        for (JsonApi.Resource s : page.data()) {
            ids.add(s.id());
        }
        run.segmentsListed(exchange);
    }

    /** After the fan-out: the staged copy goes once every destination has the segment. */
    public void release(Exchange exchange) {
        String id = exchange.getVariable("segmentId", String.class);
        String appId = exchange.getVariable("appId", String.class);
        if (lacking(id).isEmpty()) {
            fetcher.discardStaged(id);
            if (!exchange.getVariable("destinations", "", String.class).isEmpty()) {
                // a segment only read again for its facts was already counted as skipped
                run.segmentDelivered(appId);
            }
        } else {
            run.segmentIncomplete(appId, id);
        }
    }

    /** Whether every segment of the instance (header {@code segmentIds}) reached every destination. */
    public boolean segmentsDelivered(Exchange exchange) {
        List<?> ids = exchange.getVariable("segmentIds", List.class);
        return ids != null && ids.stream().allMatch(id -> lacking(String.valueOf(id)).isEmpty());
    }

    /** Where an instance comes from, from the walk's variables: what manifests and Kafka records carry. */
    static Map<String, Object> origin(Exchange e) {
        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("appId", e.getVariable("appId"));
        origin.put("reportId", e.getVariable("reportId"));
        origin.put("reportName", e.getVariable("reportName"));
        origin.put("category", e.getVariable("reportCategory"));
        origin.put("accessType", e.getVariable("accessType"));
        origin.put("granularity", e.getVariable("granularity"));
        origin.put("processingDate", e.getVariable("processingDate"));
        origin.put("instanceId", e.getVariable("instanceId"));
        return origin;
    }

    /** Body: the instance manifest; headers for its delivery to the destinations that lack it. */
    public void manifest(Exchange exchange) throws IOException {
        Message m = exchange.getMessage();
        String instanceId = exchange.getVariable("instanceId", String.class);
        Map<String, Object> manifest = origin(exchange);
        List<Map<String, Object>> segments = new ArrayList<>();
        for (Object id : exchange.getVariable("segmentIds", List.class)) {
            SegmentFacts facts = fetcher.facts(String.valueOf(id));
            if (facts == null) {
                throw new IllegalStateException("The facts of segment " + id + " are missing from the state folder; it will be downloaded again");
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("segmentId", facts.id());
            s.put("file", id + ".tsv.gz");
            s.put("checksum", facts.checksum());
            s.put("sizeInBytes", facts.sizeInBytes());
            s.put("rows", facts.rows());
            s.put("firstDate", facts.firstDate());
            s.put("lastDate", facts.lastDate());
            segments.add(s);
        }
        // the instance's Date range: what a consumer replaces when it keeps the newest processing date per Date
        manifest.put("firstDate", segments.stream().map(x -> (String) x.get("firstDate")).filter(java.util.Objects::nonNull)
                .min(String::compareTo).orElse(null));
        manifest.put("lastDate", segments.stream().map(x -> (String) x.get("lastDate")).filter(java.util.Objects::nonNull)
                .max(String::compareTo).orElse(null));
        manifest.put("restatement", RESTATEMENT);
        manifest.put("segments", segments);
        String deliveryId = "manifest:" + instanceId;
        byte[] body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        m.setBody(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        exchange.setVariable("deliveryId", deliveryId);
        exchange.setVariable("deliveryKind", "manifest");
        exchange.setVariable("segmentSize", (long) body.length);
        try {
            objectHeaders(exchange, "application/json", java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(body)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        m.setHeader("file", Layout.manifestFile(exchange.getVariable("instanceDir", String.class)));
        exchange.setVariable("destinations", lacking(deliveryId));
    }

    /**
     * Object-store headers (the aws2-s3 sink reads them; other sinks ignore them): content type, Content-MD5 so that
     * the store verifies the upload, and user metadata describing the file.
     */
    private static void objectHeaders(Exchange e, String contentType, String md5Hex) {
        Message m = e.getMessage();
        m.setHeader("CamelAwsS3ContentType", contentType);
        m.setHeader("CamelAwsS3ContentMD5", java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(md5Hex)));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("checksum-md5", md5Hex);
        metadata.put("app-id", e.getVariable("appId", String.class));
        metadata.put("report", e.getVariable("reportName", String.class));
        metadata.put("report-id", e.getVariable("reportId", String.class));
        metadata.put("access-type", e.getVariable("accessType", String.class));
        metadata.put("granularity", e.getVariable("granularity", String.class));
        metadata.put("processing-date", e.getVariable("processingDate", String.class));
        metadata.put("instance-id", e.getVariable("instanceId", String.class));
        metadata.values().removeIf(java.util.Objects::isNull);
        m.setHeader("CamelAwsS3Metadata", metadata);
    }

    /** Records the instance complete once its manifest is everywhere too, and forgets its segments' facts. */
    public void complete(Exchange exchange) throws IOException {
        String instanceId = exchange.getVariable("instanceId", String.class);
        if (!lacking("manifest:" + instanceId).isEmpty()) {
            return;
        }
        instanceLedger.add(instanceId);
        for (Object id : exchange.getVariable("segmentIds", List.class)) {
            fetcher.forgetFacts(String.valueOf(id));
        }
        run.instanceCompleted(exchange.getVariable("appId", String.class));
    }
}
