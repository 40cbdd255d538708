package io.github.ascanalyticssync.sync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fake App Store Connect in the test JVM (JDK HttpServer, free port): one app, one request, one report, and whatever
 * instances and segments a test puts into it, each served as Apple would, unless the test gives an endpoint a
 * {@link #reply} of its own (HTML, a loop of links, a redirect, ...). Segments are served from {@code /storage/} on
 * the same loopback address, which the application takes as its simulator storage.
 */
public class FakeAppStoreConnect implements QuarkusTestResourceLifecycleManager {

    public static final String APP = "1000000001";
    public static final String REQUEST = "req-1";
    public static final String REPORT = "rep-1";
    public static final String REPORT_NAME = "App Downloads Standard";

    /** One answer: status, content type, body, and an optional Location. */
    public record Reply(int status, String contentType, byte[] body, String location) {
        static Reply json(Object document) {
            try {
                return new Reply(200, "application/json", JSON.writeValueAsBytes(document), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Reply text(int status, String contentType, String body) {
            return new Reply(status, contentType, body.getBytes(StandardCharsets.UTF_8), null);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTING = Pattern.compile("/v1/(apps|apps/([^/]+)/analyticsReportRequests|analyticsReportRequests/([^/]+)/reports"
            + "|analyticsReports/([^/]+)/instances|analyticsReportInstances/([^/]+)/segments)");

    static volatile HttpServer server;
    static volatile String base;

    /** The resources of each listing, by path; a test changes them between syncs. */
    static final Map<String, List<Map<String, Object>>> lists = new ConcurrentHashMap<>();
    /** Answers of a test's own, by path (without the query): the fake's catalogue is not consulted for those. */
    static final Map<String, Function<URI, Reply>> replies = new ConcurrentHashMap<>();
    static final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** Every request, path and query, in order. */
    static final java.util.Queue<String> requests = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", FakeAppStoreConnect::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        reset();
        return Map.of("asc.api.base-url", base, "asc.sync.download.simulator-storage-url", base, "asc.simulator.enabled", "false");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Back to one app, one ONGOING request, one report with one instance of two segments. */
    static void reset() {
        lists.clear();
        replies.clear();
        requests.clear();
        files.clear();
        lists.put("/v1/apps", new ArrayList<>(List.of(resource("apps", APP, Map.of("name", "App One")))));
        lists.put("/v1/apps/" + APP + "/analyticsReportRequests", new ArrayList<>(List.of(resource("analyticsReportRequests", REQUEST,
                Map.of("accessType", "ONGOING", "stoppedDueToInactivity", false)))));
        lists.put("/v1/analyticsReportRequests/" + REQUEST + "/reports", new ArrayList<>(List.of(report(REPORT, REPORT_NAME, "APP_STORE_ENGAGEMENT"))));
        lists.put("/v1/analyticsReports/" + REPORT + "/instances", new ArrayList<>());
        addInstance("inst-a", "DAILY", daysAgo(2), "seg-a1", "seg-a2");
    }

    static String daysAgo(int days) {
        return LocalDate.now(ZoneOffset.UTC).minusDays(days).toString();
    }

    static Map<String, Object> report(String id, String name, String category) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("name", name);
        attributes.put("category", category);
        return resource("analyticsReports", id, attributes);
    }

    /** An instance of the report with good segments of these ids. */
    static List<Map<String, Object>> addInstance(String id, String granularity, String date, String... segmentIds) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("granularity", granularity);
        attributes.put("processingDate", date);
        lists.get("/v1/analyticsReports/" + REPORT + "/instances").add(resource("analyticsReportInstances", id, attributes));
        List<Map<String, Object>> segments = new ArrayList<>();
        for (String s : segmentIds) {
            segments.add(segment(s));
        }
        lists.put("/v1/analyticsReportInstances/" + id + "/segments", segments);
        return segments;
    }

    /** A good segment: gzip'd rows served from /storage/, with its size, MD5 and URL. */
    static Map<String, Object> segment(String id) {
        byte[] gz = gzip("Date\tApp Name\tCounts\n" + daysAgo(2) + "\tApp One\t" + Math.abs(id.hashCode() % 1000) + "\n");
        String key = "f" + files.size();
        files.put(key, gz);
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("checksum", md5(gz));
        attributes.put("sizeInBytes", (long) gz.length);
        attributes.put("url", base + "/storage/" + key + "?X-Amz-Signature=abc");
        return resource("analyticsReportSegments", id, attributes);
    }

    static Map<String, Object> resource(String type, String id, Map<String, Object> attributes) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", type);
        r.put("id", id);
        r.put("attributes", new LinkedHashMap<>(attributes));
        return r;
    }

    /** A page of a listing: its resources, links.self, links.next when given, and meta.paging. */
    static Reply page(URI uri, List<Map<String, Object>> data, String next, Integer total) {
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", base + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        if (next != null) {
            links.put("next", next);
        }
        Map<String, Object> paging = new LinkedHashMap<>();
        paging.put("total", total == null ? data.size() : total);
        paging.put("limit", 200);
        return Reply.json(Map.of("data", data, "links", links, "meta", Map.of("paging", paging)));
    }

    private static void handle(HttpExchange http) throws IOException {
        try (http) {
            URI uri = http.getRequestURI();
            String path = uri.getRawPath();
            requests.add(String.valueOf(uri));
            Reply reply;
            Function<URI, Reply> own = replies.get(path);
            if (own != null) {
                reply = own.apply(uri);
            } else if (path.startsWith("/storage/")) {
                byte[] body = files.get(path.substring("/storage/".length()));
                reply = body == null ? Reply.text(404, "text/plain", "no such file") : new Reply(200, "application/octet-stream", body, null);
            } else if (LISTING.matcher(path).matches() && lists.containsKey(path)) {
                reply = page(uri, lists.get(path), null, null);
            } else {
                reply = Reply.json(Map.of("errors", List.of(Map.of("status", "404", "code", "NOT_FOUND", "detail", "no " + path))));
                reply = new Reply(404, reply.contentType(), reply.body(), null);
            }
            http.getResponseHeaders().add("Content-Type", reply.contentType());
            if (reply.location() != null) {
                http.getResponseHeaders().add("Location", reply.location());
            }
            http.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.body().length > 0) {
                try (OutputStream out = http.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        }
    }

    static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
