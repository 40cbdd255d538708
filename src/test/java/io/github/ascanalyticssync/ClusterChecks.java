package io.github.ascanalyticssync;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.destination.Layout;

/**
 * What the tests of several replicas of the packaged application read off them: the simulator they share, the shards
 * each leads and whether it syncs (from its log), and where the simulator's catalogue puts each segment.
 */
public final class ClusterChecks {

    /** The line a replica logs when it takes a shard's lead. */
    public static final Pattern LEADS = Pattern.compile("Shard (\\d+): this replica");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ClusterChecks() {
    }

    /**
     * The simulator alone in its own process (no sync; free ports for its API, its storage and HTTP; a quota that never
     * runs out; published up to 2026-03-06), with the given settings on top. Its URLs: {@link AppProcess#awaitSimulator}.
     */
    public static AppProcess.Running startSimulator(String maxHeap, Map<String, String> settings, Path workDir) throws java.io.IOException {
        Map<String, String> all = new HashMap<>(Map.of("asc.sync.enabled", "false", "asc.simulator.enabled", "true",
                "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0", "asc.simulator.data.today", "2026-03-06",
                "asc.simulator.rate-limit.per-hour", "1000000", "quarkus.http.port", "0"));
        all.putAll(settings);
        return AppProcess.start(List.of("-Xmx" + maxHeap), all, workDir);
    }

    /** The shards the replica has led (its log's "Shard n: this replica" lines). */
    public static Set<Integer> shardsLed(AppProcess.Running replica) {
        Set<Integer> out = new TreeSet<>();
        Matcher m = LEADS.matcher(replica.output());
        while (m.find()) {
            out.add(Integer.valueOf(m.group(1)));
        }
        return out;
    }

    /** Whether the replica has a shard's sync under way (more syncs started than finished). */
    public static boolean syncing(AppProcess.Running replica) {
        String log = replica.output();
        return log.split("Sync started", -1).length > log.split("Sync finished", -1).length;
    }

    /** Every segment of a simulator catalogue ({@code /simulator/catalogue}) by its Layout path, with its entry. */
    public static Map<String, JsonNode> segmentsByPath(JsonNode catalogue) {
        Map<String, JsonNode> out = new TreeMap<>();
        catalogue.get("segments").forEach(s -> out.put(Layout.segmentFile(Layout.instanceDir(s.get("appId").asText(), s.get("accessType").asText(),
                s.get("reportName").asText(), s.get("granularity").asText(), s.get("processingDate").asText()), s.get("segmentId").asText()), s));
        return out;
    }

    /** The JSON a GET of the URL answers with 200, else (another status, no answer within 10 s) null. */
    public static JsonNode getJson(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
