package io.github.ascanalyticssync.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import io.quarkus.runtime.annotations.RegisterForReflection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.ApiStats;
import io.quarkus.runtime.Quarkus;

/**
 * One sync at a time: its progress, logged as it goes, and its summary. In one-shot mode the end of the sync ends
 * the process: exit 0 when everything selected was delivered, 1 otherwise.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("syncRun")
public class SyncRun {

    private static final Logger LOG = Logger.getLogger(SyncRun.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    /** What one sync did. */
    public record Summary(Instant started, Duration duration, long newSegments, long skippedSegments, long failedSegments,
            long instancesCompleted, long instancesAlreadyComplete, long bytes, List<String> problems, List<String> warnings,
            Map<String, Long> apiCalls,
            Integer rateLimitRemaining, Integer rateLimit) {

        public boolean complete() {
            return failedSegments == 0 && problems.isEmpty();
        }
    }

    static final class AppProgress {
        final AtomicLong reports = new AtomicLong();
        final AtomicLong instancesListed = new AtomicLong();
        final AtomicLong instancesDone = new AtomicLong();
        final AtomicLong segmentsListed = new AtomicLong();
        final AtomicLong segmentsDone = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
    }

    @Inject
    SyncConfig config;

    @Inject
    ApiStats apiStats;

    /**
     * One sync at a time. A semaphore, not a lock: an asynchronous sink (Kafka) may finish the sync on another thread
     * than the one that began it. In clustered mode the shards a replica leads wait for each other's turn.
     */
    private final java.util.concurrent.Semaphore running = new java.util.concurrent.Semaphore(1, true);
    private volatile boolean stopping;
    private final Map<String, AppProgress> apps = new ConcurrentHashMap<>();
    private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong newSegments = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong alreadyComplete = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile Instant started;
    private volatile Instant lastProgress;
    private volatile Map<String, Long> callsAtStart = Map.of();
    private volatile Summary last;

    @Inject
    SyncStartup startup;

    @Inject
    SyncMetrics metrics;

    @Inject
    SyncHealth destinationHealth;

    private final java.util.Set<String> walkedApps = ConcurrentHashMap.newKeySet();
    private volatile Integer shard;
    private final java.util.Set<String> failedApps = ConcurrentHashMap.newKeySet();

    /**
     * Starts a sync and returns the configured apps ({@code asc.sync.app-ids}); none when every app the key can see is
     * to be synced ({@link #discoversApps}). In clustered mode (variable {@code shard}) shards wait for each other.
     */
    public List<String> begin(@Variable("shard") Integer shard) throws InterruptedException {
        if (!startup.awaitChecks()) {
            throw new IllegalStateException("The start-up checks failed; no sync runs");
        }
        if (shard != null) {
            // this replica's other shards first; a replica that is stopping leaves the shard to its next leader
            while (!running.tryAcquire(1, java.util.concurrent.TimeUnit.SECONDS)) {
                if (stopping) {
                    throw new IllegalStateException("Stopping: the sync of shard " + shard + " is left to its next leader");
                }
            }
        } else if (!running.tryAcquire()) {
            throw new IllegalStateException("A sync is already running");
        }
        apps.clear();
        problems.clear();
        warnings.clear();
        failedApps.clear();
        walkedApps.clear();
        this.shard = shard;
        destinationHealth.syncStarted();
        for (AtomicLong c : List.of(newSegments, skipped, failed, completed, alreadyComplete, bytes)) {
            c.set(0);
        }
        started = Instant.now();
        lastProgress = started;
        callsAtStart = apiStats.callsByEndpoint();
        List<String> configured = config.sync().appIds().orElse(List.of());
        LOG.infof("Sync started: %s%s", configured.isEmpty() ? "every app the key can see" : configured.size() + " app(s)",
                shard == null ? "" : ", those of shard " + shard);
        return configured;
    }

    /** True when no apps are configured: the walk lists every app the key can see. */
    public boolean discoversApps() {
        return config.sync().appIds().orElse(List.of()).isEmpty();
    }

    /** Whether this sync walks the app: not when excluded, nor, in clustered mode, when it is in another shard. */
    public boolean takesApp(@Variable("appId") String appId) {
        if (config.sync().excludeAppIds().orElse(List.of()).contains(appId)) {
            return false;
        }
        Integer s = shard;
        if (s != null && Cluster.shardOf(appId, config.cluster().shards()) != s) {
            return false;
        }
        walkedApps.add(appId);
        return true;
    }

    public Summary finish() {
        try {
            Map<String, Long> calls = new LinkedHashMap<>();
            apiStats.callsByEndpoint().forEach((endpoint, n) -> {
                long delta = n - callsAtStart.getOrDefault(endpoint, 0L);
                if (delta > 0) {
                    calls.put(endpoint, delta);
                }
            });
            Summary s = new Summary(started, Duration.between(started, Instant.now()), newSegments.get(), skipped.get(), failed.get(),
                    completed.get(), alreadyComplete.get(), bytes.get(), List.copyOf(problems), List.copyOf(warnings), calls,
                    apiStats.remaining(), apiStats.limit());
            last = s;
            metrics.syncFinished(s.duration(), s.complete());
            destinationHealth.syncFinished();
            walkedApps.stream().filter(a -> !failedApps.contains(a)).forEach(metrics::appSynced);
            LOG.infof("Sync finished in %.1f s: %d new segment(s) (%s), %d skipped (already everywhere), %d failed; %d instance(s) completed, "
                    + "%d already complete; %d API call(s) %s; rate limit remaining %s of %s",
                    s.duration().toMillis() / 1000.0, s.newSegments(), human(s.bytes()), s.skippedSegments(), s.failedSegments(),
                    s.instancesCompleted(), s.instancesAlreadyComplete(), calls.values().stream().mapToLong(Long::longValue).sum(), calls,
                    s.rateLimitRemaining() == null ? "?" : s.rateLimitRemaining(), s.rateLimit() == null ? "?" : s.rateLimit());
            problems.forEach(p -> LOG.warnf("Not delivered: %s", p));
            if (config.sync().mode() == SyncConfig.Mode.ONE_SHOT) {
                int code = s.complete() ? 0 : 1;
                LOG.infof("One-shot sync done, exiting with %d", code);
                Quarkus.asyncExit(code);
            }
            return s;
        } finally {
            running.release();
        }
    }

    /**
     * The application is stopping (SIGTERM): the sync in flight starts no further listing, download or delivery; the
     * ones under way finish (each writes under a temporary name and renames), and what is left waits for the next
     * sync, on this replica or, in clustered mode, on the one that takes its shards over.
     */
    void onStopping(@jakarta.enterprise.event.Observes org.apache.camel.quarkus.main.events.BeforeStop event) {
        stopping = true;
        if (running.availablePermits() == 0) {
            LOG.info("Stopping: the sync in flight finishes the deliveries under way and leaves the rest for the next sync");
        }
    }

    public boolean stopping() {
        return stopping;
    }

    /** A segment not started because the application is stopping. */
    public void segmentLeft(String appId, String segmentId) {
        failed.incrementAndGet();
        failedApps.add(appId);
        problems.add("segment " + segmentId + " of app " + appId + " was left for the next sync (the application stopped)");
    }

    public Summary lastSummary() {
        return last;
    }

    private AppProgress app(String appId) {
        return apps.computeIfAbsent(appId == null ? "?" : appId, k -> new AppProgress());
    }

    public void reportSelected(Exchange exchange) {
        app(exchange.getVariable("appId", String.class)).reports.incrementAndGet();
    }

    public void instanceListed(Exchange exchange) {
        app(exchange.getVariable("appId", String.class)).instancesListed.incrementAndGet();
    }

    public void segmentsListed(Exchange exchange) {
        List<?> segments = exchange.getVariable("page", io.github.ascanalyticssync.api.JsonApi.Document.class).data();
        app(exchange.getVariable("appId", String.class)).segmentsListed.addAndGet(segments.size());
    }

    public void instanceAlreadyComplete() {
        alreadyComplete.incrementAndGet();
    }

    public void appWithoutRequest(String appId, String why) {
        String problem = "app " + appId + ": " + why;
        problems.add(problem);
        failedApps.add(appId);
        LOG.warnf("Skipping app %s: %s", appId, why);
    }

    /** Something the user should know that does not make the sync incomplete (a date Apple skipped, data lost to retention). */
    public void warn(String warning) {
        warnings.add(warning);
        metrics.warning();
        LOG.warn(warning);
    }

    public void downloaded(String appId, long size) {
        bytes.addAndGet(size);
        app(appId).bytes.addAndGet(size);
        metrics.downloaded(size);
    }

    public void segmentSkipped(String appId) {
        skipped.incrementAndGet();
        app(appId).segmentsDone.incrementAndGet();
    }

    public void segmentDelivered(String appId) {
        newSegments.incrementAndGet();
        app(appId).segmentsDone.incrementAndGet();
        progress();
    }

    public void segmentIncomplete(String appId, String segmentId) {
        failed.incrementAndGet();
        failedApps.add(appId);
        problems.add("segment " + segmentId + " of app " + appId + " is still missing at a destination");
    }

    public void instanceCompleted(String appId) {
        completed.incrementAndGet();
        app(appId).instancesDone.incrementAndGet();
    }

    /** A segment whose download failed every attempt: the sync carries on without it. */
    public void segmentFailed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String id = exchange.getVariable("segmentId", String.class);
        failed.incrementAndGet();
        failedApps.add(String.valueOf(exchange.getVariable("appId")));
        metrics.segmentFailed();
        problems.add("segment " + id + " of app " + exchange.getVariable("appId") + ": " + (e == null ? "failed" : e.getMessage()));
        LOG.errorf("Segment %s failed after its retries, left for the next sync: %s", id, e == null ? "" : e.getMessage());
    }

    /** A listing call that failed every attempt: the part of the walk below it waits for the next sync. */
    public void walkFailed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Object where = exchange.getProperty(Exchange.FAILURE_ROUTE_ID);
        failedApps.add(String.valueOf(exchange.getVariable("appId")));
        problems.add(where + " for app " + exchange.getVariable("appId") + ": " + (e == null ? "failed" : e.getMessage()));
        LOG.errorf("%s failed after its retries (app %s), left for the next sync: %s", where, exchange.getVariable("appId"),
                e == null ? "" : e.getMessage());
    }

    /** A destination that failed every attempt: the others are not held up; this one gets the segment next time. */
    public void deliveryFailed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String route = String.valueOf(exchange.getProperty(Exchange.FAILURE_ROUTE_ID));
        String destination = route.startsWith("deliver-") ? route.substring("deliver-".length()) : route;
        metrics.deliveryFailed(destination, exchange.getVariable("deliveryKind", String.class));
        destinationHealth.failed(destination, e);
        LOG.errorf("Destination %s could not take %s, left for the next sync: %s", exchange.getProperty(Exchange.FAILURE_ROUTE_ID),
                exchange.getMessage().getHeader("file"), e == null ? "" : e.getMessage());
    }

    private void progress() {
        Instant now = Instant.now();
        if (Duration.between(lastProgress, now).compareTo(PROGRESS_EVERY) < 0) {
            return;
        }
        lastProgress = now;
        double seconds = Math.max(0.001, Duration.between(started, now).toMillis() / 1000.0);
        apps.forEach((appId, p) -> LOG.infof("Progress app %s: %d report(s); instances %d of %d; segments %d of %d; %s at %s/s", appId,
                p.reports.get(), p.instancesDone.get(), p.instancesListed.get(), p.segmentsDone.get(), p.segmentsListed.get(),
                human(p.bytes.get()), human((long) (p.bytes.get() / seconds))));
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = { "KiB", "MiB", "GiB", "TiB" };
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
