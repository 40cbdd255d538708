package io.github.ascanalyticssync.observe;

import java.io.IOException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.api.ApiStats;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.destination.Destinations;
import io.github.ascanalyticssync.ledger.StateStore;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a person wants to see without reading logs, kept in the state store after every sync (so that a separate
 * {@code asc.sync.mode=status} run, or another replica, shows it without an API call): per app the state of its
 * ONGOING request, per destination what it lacks and why and what of it Apple drops within days, per report and
 * granularity the newest processing date delivered, and the last sync. Served as JSON at {@code /status}
 * (routes/status.yaml).
 */
@RegisterForReflection
@ApplicationScoped
@Named("syncStatus")
public class SyncStatus {

    private static final String KEY = "status";
    /** Instances within this many days of Apple's deletion are listed as expiring. */
    static final int EXPIRING_DAYS = 5;

    @Inject
    StateStore state;

    @Inject
    ObjectMapper json;

    @Inject
    SyncMetrics metrics;

    @Inject
    ApiStats apiStats;

    @Inject
    Destinations destinations;

    @Inject
    SyncConfig config;

    private final Map<String, String> requests = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> expiring = new ConcurrentHashMap<>();

    /** The state of the app's ONGOING request, in words: active, stopped and being drained, drained and replaced, missing. */
    public void request(String appId, String words) {
        requests.put(appId, words);
    }

    /** An instance that the destinations lack; counted as expiring when Apple deletes it within {@link #EXPIRING_DAYS}. */
    public void lacking(List<String> where, String processingDate) {
        LocalDate date;
        try {
            date = LocalDate.parse(processingDate);
        } catch (RuntimeException e) {
            return;
        }
        LocalDate deleted = date.plusDays(config.sync().retentionDays());
        if (!deleted.isAfter(apiStats.serverToday().plusDays(EXPIRING_DAYS))) {
            for (String d : where) {
                expiring.computeIfAbsent(d, k -> new ConcurrentHashMap<>()).merge(deleted.toString(), 1L, Long::sum);
            }
        }
    }

    public void syncStarted() {
        expiring.clear();
    }

    /**
     * After a sync: the status document, merged with what earlier syncs knew, saved in the state store; {@code keys}:
     * per configured key its quota headroom and how long a new instance waits before a sync lists it
     * (the listing budget).
     */
    public void save(SyncSummary summary, Map<String, Object> keys) {
        Map<String, Object> doc = load();
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("started", summary.started().toString());
        last.put("seconds", summary.duration().toMillis() / 1000.0);
        last.put("complete", summary.complete());
        last.put("newSegments", summary.newSegments());
        last.put("copiedSegments", summary.copiedSegments());
        last.put("failedSegments", summary.failedSegments());
        last.put("apiCalls", summary.apiCalls().values().stream().mapToLong(Long::longValue).sum());
        last.put("problems", summary.problems());
        last.put("warnings", summary.warnings());
        doc.put("lastSync", last);
        doc.put("appsRequests", merged(doc.get("appsRequests"), requests));
        Map<String, Object> newest = new TreeMap<>();
        metrics.newest().forEach((k, date) -> newest.put(k.replace('\u0000', '/'), date.toString()));
        doc.put("newestProcessingDates", merged(doc.get("newestProcessingDates"), newest));
        Map<String, Object> byDestination = new TreeMap<>();
        for (String d : destinations.names()) {
            Map<String, Object> one = new LinkedHashMap<>();
            RunTally.Lacking lacking = summary.lacking().get(d);
            one.put("lacksSegments", lacking == null ? 0 : lacking.segments());
            one.put("lacksManifests", lacking == null ? 0 : lacking.manifests());
            one.put("lastError", lacking == null ? null : lacking.lastError());
            one.put("expiring", expiring.getOrDefault(d, Map.of()));
            byDestination.put(d, one);
        }
        doc.put("destinations", byDestination);
        // the configured keys only: a key no longer configured is gone from the status
        doc.put("keys", new TreeMap<>(keys));
        try {
            state.put(KEY, json.writeValueAsString(doc));
        } catch (IOException e) {
            throw new IllegalStateException("The status could not be written to the state store", e);
        }
    }

    private static Map<String, Object> merged(Object before, Map<String, ?> now) {
        Map<String, Object> out = new TreeMap<>();
        if (before instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
        }
        out.putAll(now);
        return out;
    }

    /** The status as the last sync left it (empty before the first sync). */
    public Map<String, Object> load() {
        try {
            String stored = state.get(KEY).orElse(null);
            return stored == null ? new LinkedHashMap<>() : json.readValue(stored, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (IOException e) {
            return new LinkedHashMap<>(Map.of("error", "the stored status is unreadable; the next sync writes it anew"));
        }
    }

    /** The status as a table, for {@code asc.sync.mode=status}. */
    @SuppressWarnings("unchecked")
    public String table() {
        Map<String, Object> doc = load();
        if (doc.isEmpty()) {
            return "No sync has finished yet with this state (" + config.state().dir().toAbsolutePath() + ")";
        }
        StringBuilder out = new StringBuilder();
        Map<String, Object> last = (Map<String, Object>) doc.getOrDefault("lastSync", Map.of());
        out.append(String.format(Locale.ROOT, "Last sync: started %s, %s s, %s, %s new segment(s), %s API call(s)%n", last.get("started"),
                last.get("seconds"), Boolean.TRUE.equals(last.get("complete")) ? "complete" : "INCOMPLETE", last.get("newSegments"),
                last.get("apiCalls")));
        ((List<String>) last.getOrDefault("problems", List.of())).forEach(p -> out.append("  not delivered: ").append(p).append('\n'));
        out.append(String.format(Locale.ROOT, "%n%-16s %s%n", "APP", "ONGOING REQUEST"));
        ((Map<String, Object>) doc.getOrDefault("appsRequests", Map.of())).forEach((app, words) ->
                out.append(String.format(Locale.ROOT, "%-16s %s%n", app, words)));
        out.append(String.format(Locale.ROOT, "%n%-16s %14s %15s  %s%n", "DESTINATION", "LACKS SEGMENTS", "LACKS MANIFESTS", "APPLE DROPS SOON / LAST ERROR"));
        ((Map<String, Object>) doc.getOrDefault("destinations", Map.of())).forEach((d, v) -> {
            Map<String, Object> one = (Map<String, Object>) v;
            out.append(String.format(Locale.ROOT, "%-16s %14s %15s  %s%s%n", d, one.get("lacksSegments"), one.get("lacksManifests"),
                    one.get("expiring") instanceof Map<?, ?> m && m.isEmpty() ? "-" : one.get("expiring"),
                    one.get("lastError") == null ? "" : " / " + one.get("lastError")));
        });
        out.append(String.format(Locale.ROOT, "%n%-16s %13s %15s %14s %16s  %s%n", "KEY", "CALLS PER HOUR", "ROUTINE PER HOUR", "SPARE PER HOUR",
                "REPORTS AWAITING", "NEW INSTANCES"));
        ((Map<String, Object>) doc.getOrDefault("keys", Map.of())).forEach((k, v) -> {
            Map<String, Object> one = (Map<String, Object>) v;
            out.append(String.format(Locale.ROOT, "%-16s %13s %15s %14s %16s  %s%n", k, one.get("callsPerHour"), one.get("routinePerHour"),
                    one.get("sparePerHour"), one.get("reportsAwaiting") + " of " + one.get("reports"), one.get("delay")));
        });
        out.append(String.format(Locale.ROOT, "%n%-60s %s%n", "APP/REPORT/GRANULARITY", "NEWEST PROCESSING DATE DELIVERED"));
        ((Map<String, Object>) doc.getOrDefault("newestProcessingDates", Map.of())).forEach((k, date) ->
                out.append(String.format(Locale.ROOT, "%-60s %s%n", k, date)));
        return out.toString();
    }
}
