package io.github.ascanalyticssync.observe;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import io.quarkus.runtime.annotations.RegisterForReflection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.github.ascanalyticssync.destination.Destinations;
import io.github.ascanalyticssync.api.ApiStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The sync's Prometheus metrics (at {@code /q/metrics}, beside Camel's route metrics and the API call metrics of
 * {@link ApiStats}). Labels are bounded: destinations, apps, reports, granularities, kinds; never a segment id or
 * a URL.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("syncMetrics")
public class SyncMetrics {

    @Inject
    Destinations destinations;

    @Inject
    MeterRegistry registry;

    @Inject
    ApiStats apiStats;

    @Inject
    SyncHealth health;

    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, LocalDate> newest = new ConcurrentHashMap<>();

    /** Counters without labels exist from the start, at 0, so that dashboards and alerts see them before the first event. */
    @jakarta.annotation.PostConstruct
    void register() {
        for (String name : java.util.List.of("asc.downloaded.segments", "asc.downloaded.bytes", "asc.segment.failures", "asc.sync.warnings")) {
            registry.counter(name);
        }
    }

    /** A destination confirmed a segment or a manifest (called by the destination templates after the sink). */
    public void delivered(String destination, String kind, Long bytes) {
        health.delivered(destination);
        destinations.delivered(destination);
        registry.counter("asc.delivered", "destination", destination, "kind", kind == null ? "segment" : kind).increment();
        if (bytes != null && "segment".equals(kind)) {
            registry.counter("asc.delivered.bytes", "destination", destination).increment(bytes);
        }
    }

    /** A destination failed a delivery after its retries; it gets it on the next sync. */
    public void deliveryFailed(String destination, String kind) {
        registry.counter("asc.delivery.failures", "destination", destination, "kind", kind == null ? "segment" : kind).increment();
    }

    public void downloaded(long bytes) {
        registry.counter("asc.downloaded.segments").increment();
        registry.counter("asc.downloaded.bytes").increment(bytes);
    }

    public void segmentFailed() {
        registry.counter("asc.segment.failures").increment();
    }

    public void warning() {
        registry.counter("asc.sync.warnings").increment();
    }

    public void syncFinished(Duration duration, boolean complete) {
        Timer.builder("asc.sync.duration").description("Duration of whole syncs").tag("outcome", complete ? "complete" : "incomplete")
                .register(registry).record(duration);
    }

    /** Every selected report of the app was delivered everywhere in this sync. */
    public void appSynced(String appId) {
        lastSuccess.computeIfAbsent(appId, a -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder("asc.sync.last.success", holder, AtomicLong::get).description("When the app was last synced completely")
                    .baseUnit("seconds").tag("app", a).register(registry);
            return holder;
        }).set(Instant.now().getEpochSecond());
    }

    /** The newest processing date delivered for a report and granularity, shown as its age in days. */
    /** The newest processing date delivered, by app, report and granularity (joined by NUL). */
    Map<String, LocalDate> newest() {
        return Map.copyOf(newest);
    }

    public void newestDelivered(String appId, String report, String granularity, LocalDate date) {
        String key = appId + "\u0000" + report + "\u0000" + granularity;
        if (newest.put(key, date) == null) {
            Gauge.builder("asc.report.newest.processing.date.age", newest, m -> {
                LocalDate d = m.get(key);
                return d == null ? Double.NaN : ChronoUnit.DAYS.between(d, apiStats.serverToday());
            }).description("Days between App Store Connect's today and the newest processing date delivered").baseUnit("days")
                    .tags("app", appId, "report", report, "granularity", granularity).register(registry);
        }
    }
}
