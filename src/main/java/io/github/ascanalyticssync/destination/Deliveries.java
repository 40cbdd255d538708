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
import org.apache.camel.spi.IdempotentRepository;
import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

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

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    /** Headers of one instance, from the listed instance in the body. */
    @SuppressWarnings("unchecked")
    public void instance(Exchange exchange) {
        Message m = exchange.getMessage();
        Map<String, Object> instance = m.getBody(Map.class);
        Map<String, Object> attributes = (Map<String, Object>) instance.getOrDefault("attributes", Map.of());
        m.setHeader("instanceId", instance.get("id"));
        m.setHeader("granularity", attributes.get("granularity"));
        m.setHeader("processingDate", attributes.get("processingDate"));
        m.setHeader("reportSlug", Layout.slug(m.getHeader("reportName", String.class)));
        m.setHeader("instanceDir", Layout.instanceDir(m.getHeader("appId", String.class), m.getHeader("accessType", String.class),
                m.getHeader("reportName", String.class),
                String.valueOf(attributes.get("granularity")), String.valueOf(attributes.get("processingDate"))));
    }

    /**
     * Headers of one segment, from the listed segment in the body, and {@code destinations}: the endpoints of the
     * destinations that still lack it (empty when all have it).
     */
    @SuppressWarnings("unchecked")
    public void segment(Exchange exchange) {
        Message m = exchange.getMessage();
        Map<String, Object> segment = m.getBody(Map.class);
        Map<String, Object> attributes = (Map<String, Object>) segment.getOrDefault("attributes", Map.of());
        String id = String.valueOf(segment.get("id"));
        m.setHeader("segmentId", id);
        m.setHeader("segmentUrl", attributes.get("url"));
        m.setHeader("segmentChecksum", attributes.get("checksum"));
        Object size = attributes.get("sizeInBytes");
        m.setHeader("segmentSize", size instanceof Number n ? n.longValue() : null);
        m.setHeader("deliveryId", id);
        m.setHeader("deliveryKind", "segment");
        m.setHeader("file", Layout.segmentFile(m.getHeader("instanceDir", String.class), id));
        objectHeaders(m, "application/gzip", String.valueOf(attributes.get("checksum")));
        String destinations = lacking(id);
        if (run.stopping() && !destinations.isEmpty()) {
            run.segmentLeft(m.getHeader("appId", String.class), id);
            m.setHeader("destinations", "");
            m.setHeader("needsFacts", false);
            return;
        }
        m.setHeader("destinations", destinations);
        // the manifest needs the segment's facts: a segment delivered everywhere whose facts were lost is read again
        m.setHeader("needsFacts", destinations.isEmpty() && !run.stopping() && !fetcher.hasFacts(id));
        if (destinations.isEmpty()) {
            run.segmentSkipped(m.getHeader("appId", String.class));
        }
    }

    /** Records the listed segments of the instance (header {@code segmentIds}) for the completion check. */
    public void segments(Exchange exchange) {
        List<?> segments = exchange.getMessage().getBody(List.class);
        exchange.getMessage().setHeader("segmentIds", segments.stream().map(s -> String.valueOf(((Map<?, ?>) s).get("id"))).toList());
        run.segmentsListed(exchange);
    }

    /** After the fan-out: the staged copy goes once every destination has the segment. */
    public void release(Exchange exchange) {
        String id = exchange.getMessage().getHeader("segmentId", String.class);
        if (lacking(id).isEmpty()) {
            fetcher.discardStaged(id);
            if (!exchange.getMessage().getHeader("destinations", "", String.class).isEmpty()) {
                // a segment only read again for its facts was already counted as skipped
                run.segmentDelivered(exchange.getMessage().getHeader("appId", String.class));
            }
        } else {
            run.segmentIncomplete(exchange.getMessage().getHeader("appId", String.class), id);
        }
    }

    /** Whether every segment of the instance (header {@code segmentIds}) reached every destination. */
    public boolean segmentsDelivered(Exchange exchange) {
        List<?> ids = exchange.getMessage().getHeader("segmentIds", List.class);
        return ids.stream().allMatch(id -> lacking(String.valueOf(id)).isEmpty());
    }

    /** Where an instance comes from, from the walk's headers: what manifests and Kafka records carry. */
    static Map<String, Object> origin(Message m) {
        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("appId", m.getHeader("appId"));
        origin.put("reportId", m.getHeader("reportId"));
        origin.put("reportName", m.getHeader("reportName"));
        origin.put("category", m.getHeader("reportCategory"));
        origin.put("accessType", m.getHeader("accessType"));
        origin.put("granularity", m.getHeader("granularity"));
        origin.put("processingDate", m.getHeader("processingDate"));
        origin.put("instanceId", m.getHeader("instanceId"));
        return origin;
    }

    /** Body: the instance manifest; headers for its delivery to the destinations that lack it. */
    public void manifest(Exchange exchange) throws IOException {
        Message m = exchange.getMessage();
        String instanceId = m.getHeader("instanceId", String.class);
        Map<String, Object> manifest = origin(m);
        List<Map<String, Object>> segments = new ArrayList<>();
        for (Object id : m.getHeader("segmentIds", List.class)) {
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
        byte[] body = json.writeValueAsBytes(manifest);
        m.setBody(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        m.setHeader("deliveryId", deliveryId);
        m.setHeader("deliveryKind", "manifest");
        try {
            objectHeaders(m, "application/json", java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(body)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        m.setHeader("file", Layout.manifestFile(m.getHeader("instanceDir", String.class)));
        m.setHeader("destinations", lacking(deliveryId));
    }

    /**
     * Object-store headers (the aws2-s3 sink reads them; other sinks ignore them): content type, Content-MD5 so that
     * the store verifies the upload, and user metadata describing the file.
     */
    private static void objectHeaders(Message m, String contentType, String md5Hex) {
        m.setHeader("CamelAwsS3ContentType", contentType);
        m.setHeader("CamelAwsS3ContentMD5", java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(md5Hex)));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("checksum-md5", md5Hex);
        metadata.put("app-id", m.getHeader("appId", String.class));
        metadata.put("report", m.getHeader("reportName", String.class));
        metadata.put("report-id", m.getHeader("reportId", String.class));
        metadata.put("access-type", m.getHeader("accessType", String.class));
        metadata.put("granularity", m.getHeader("granularity", String.class));
        metadata.put("processing-date", m.getHeader("processingDate", String.class));
        metadata.put("instance-id", m.getHeader("instanceId", String.class));
        metadata.values().removeIf(java.util.Objects::isNull);
        m.setHeader("CamelAwsS3Metadata", metadata);
    }

    /** Records the instance complete once its manifest is everywhere too, and forgets its segments' facts. */
    public void complete(Exchange exchange) throws IOException {
        Message m = exchange.getMessage();
        String instanceId = m.getHeader("instanceId", String.class);
        if (!lacking("manifest:" + instanceId).isEmpty()) {
            return;
        }
        instanceLedger.add(instanceId);
        for (Object id : m.getHeader("segmentIds", List.class)) {
            fetcher.forgetFacts(String.valueOf(id));
        }
        run.instanceCompleted(m.getHeader("appId", String.class));
    }
}
