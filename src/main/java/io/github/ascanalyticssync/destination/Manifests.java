package io.github.ascanalyticssync.destination;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.segment.SegmentFacts;

/**
 * What a destination receives besides the segment itself: the instance's {@code _manifest.json} (where it comes from,
 * its segments with their facts, the restatement rule), and the object-store headers of every file.
 */
@ApplicationScoped
public class Manifests {

    /** What a consumer must do with overlapping instances, in every manifest. */
    static final String RESTATEMENT = "Apple restates recent days: for each app, report, granularity and Date, keep only the rows of"
            + " the instance with the latest processingDate (ONGOING and ONE_TIME_SNAPSHOT alike); never add rows of the same Date"
            + " from different instances";

    @Inject
    ObjectMapper json;

    @Inject
    SegmentFetcher fetcher;

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

    /** The manifest of the instance in the variables, as the message body, with its headers. */
    public void build(Exchange exchange) throws IOException {
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
        manifest.put("firstDate", segments.stream().map(x -> (String) x.get("firstDate")).filter(Objects::nonNull).min(String::compareTo).orElse(null));
        manifest.put("lastDate", segments.stream().map(x -> (String) x.get("lastDate")).filter(Objects::nonNull).max(String::compareTo).orElse(null));
        manifest.put("restatement", RESTATEMENT);
        manifest.put("segments", segments);
        byte[] body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        Message m = exchange.getMessage();
        m.setBody(new String(body, StandardCharsets.UTF_8));
        exchange.setVariable("deliveryId", "manifest:" + exchange.getVariable("instanceId", String.class));
        exchange.setVariable("deliveryKind", "manifest");
        exchange.setVariable("segmentSize", (long) body.length);
        try {
            objectHeaders(exchange, "application/json", HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        m.setHeader("file", Layout.manifestFile(exchange.getVariable("instanceDir", String.class)));
    }

    /**
     * Object-store headers (the aws2-s3 sink reads them; other sinks ignore them): content type, Content-MD5 so that
     * the store verifies the upload, and user metadata describing the file.
     */
    public static void objectHeaders(Exchange e, String contentType, String md5Hex) {
        Message m = e.getMessage();
        m.setHeader("CamelAwsS3ContentType", contentType);
        m.setHeader("CamelAwsS3ContentMD5", Base64.getEncoder().encodeToString(HexFormat.of().parseHex(md5Hex)));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("checksum-md5", md5Hex);
        metadata.put("app-id", e.getVariable("appId", String.class));
        metadata.put("report", e.getVariable("reportName", String.class));
        metadata.put("report-id", e.getVariable("reportId", String.class));
        metadata.put("access-type", e.getVariable("accessType", String.class));
        metadata.put("granularity", e.getVariable("granularity", String.class));
        metadata.put("processing-date", e.getVariable("processingDate", String.class));
        metadata.put("instance-id", e.getVariable("instanceId", String.class));
        metadata.values().removeIf(Objects::isNull);
        m.setHeader("CamelAwsS3Metadata", metadata);
    }
}
