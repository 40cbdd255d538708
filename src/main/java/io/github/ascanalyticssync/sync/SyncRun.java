package io.github.ascanalyticssync.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Variable;
import org.apache.camel.quarkus.main.events.BeforeStop;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.ApiStats;
import io.github.ascanalyticssync.destination.Destinations;
import io.github.ascanalyticssync.destination.Staging;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One sync at a time: which apps it walks, and its summary (what it did is counted by {@link RunTally}). In one-shot
 * mode the end of the sync ends the process: exit 0 when everything selected reached every destination, 1 otherwise.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("syncRun")
public class SyncRun {

    private static final Logger LOG = Logger.getLogger(SyncRun.class);

    /** What one sync did; {@code lacking}: per destination, what it still lacks. */
    public record Summary(Instant started, Duration duration, long newSegments, long skippedSegments, long failedSegments,
            long instancesCompleted, long instancesAlreadyComplete, long bytes, List<String> problems, List<String> warnings,
            Map<String, Long> apiCalls, Integer rateLimitRemaining, Integer rateLimit, Map<String, RunTally.Lacking> lacking) {

        public boolean complete() {
            return failedSegments == 0 && problems.isEmpty() && lacking.isEmpty();
        }
    }

    @Inject
    SyncConfig config;

    @Inject
    ApiStats apiStats;

    @Inject
    SyncStartup startup;

    @Inject
    SyncMetrics metrics;

    @Inject
    SyncHealth destinationHealth;

    @Inject
    RunTally tally;

    @Inject
    Destinations destinations;

    @Inject
    Staging staging;

    @Inject
    SyncStatus status;

    /**
     * One sync at a time. A semaphore, not a lock: an asynchronous sink (Kafka) may finish the sync on another thread
     * than the one that began it. In clustered mode the shards a replica leads wait for each other's turn.
     */
    private final Semaphore running = new Semaphore(1, true);
    private volatile boolean stopping;
    private volatile Instant started;
    private volatile Map<String, Long> callsAtStart = Map.of();
    private volatile Summary last;
    private final Set<String> walkedApps = ConcurrentHashMap.newKeySet();
    private volatile Integer shard;

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
            while (!running.tryAcquire(1, TimeUnit.SECONDS)) {
                if (stopping) {
                    throw new IllegalStateException("Stopping: the sync of shard " + shard + " is left to its next leader");
                }
            }
        } else if (!running.tryAcquire()) {
            throw new IllegalStateException("A sync is already running");
        }
        tally.reset();
        destinations.syncStarted();
        staging.sweep();
        status.syncStarted();
        walkedApps.clear();
        this.shard = shard;
        destinationHealth.syncStarted();
        started = Instant.now();
        callsAtStart = apiStats.callsByEndpoint();
        List<String> configured = config.sync().appIds().orElse(List.of());
        LOG.infof("Sync started: %s%s", configured.isEmpty() ? "every app the key can see" : configured.size() + " app(s)",
                shard == null ? "" : ", those of shard " + shard);
        return configured;
    }

    /** When the current (or last) sync started; null before the first. */
    Instant started() {
        return started;
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
            Set<String> listed = tally.listedInstances();
            if (listed != null) {
                destinations.lackingUnserved(listed).forEach((d, n) -> tally.destinationProblem("destination " + d + " lacks " + n
                        + " instance(s) that the other destinations have and App Store Connect no longer serves (older than its "
                        + config.sync().retentionDays() + "-day retention, of a deleted request, or of a ONE_TIME_SNAPSHOT this sync"
                        + " did not walk); fill it from one of them: java -Dasc.sync.mode=seed -Dasc.seed.from=<a folder in this layout,"
                        + " e.g. the local folder> -Dasc.seed.to=" + d + " -jar target/quarkus-app/quarkus-run.jar"));
            }
            Map<String, Long> calls = new LinkedHashMap<>();
            apiStats.callsByEndpoint().forEach((endpoint, n) -> {
                long delta = n - callsAtStart.getOrDefault(endpoint, 0L);
                if (delta > 0) {
                    calls.put(endpoint, delta);
                }
            });
            long[] n = tally.counts();
            Summary s = new Summary(started, Duration.between(started, Instant.now()), n[0], n[1], n[2], n[3], n[4], n[5], tally.problems(),
                    tally.warnings(), calls, apiStats.remaining(), apiStats.limit(), tally.lacking());
            last = s;
            status.save(s);
            metrics.syncFinished(s.duration(), s.complete());
            destinationHealth.syncFinished();
            walkedApps.stream().filter(a -> !tally.appFailed(a)).forEach(metrics::appSynced);
            LOG.infof("Sync finished in %.1f s: %d new segment(s) (%s), %d skipped (already everywhere), %d failed; %d instance(s) completed, "
                    + "%d already complete; %d API call(s) %s; rate limit remaining %s of %s",
                    s.duration().toMillis() / 1000.0, s.newSegments(), SyncProgress.human(s.bytes()), s.skippedSegments(), s.failedSegments(),
                    s.instancesCompleted(), s.instancesAlreadyComplete(), calls.values().stream().mapToLong(Long::longValue).sum(), calls,
                    s.rateLimitRemaining() == null ? "?" : s.rateLimitRemaining(), s.rateLimit() == null ? "?" : s.rateLimit());
            s.lacking().forEach((destination, l) -> LOG.warnf("Not delivered: destination %s lacks %d segment(s) and %d manifest(s) after this"
                    + " sync%s; they go there on the next sync (from the staged copies)", destination, l.segments(), l.manifests(),
                    l.lastError() == null ? "" : " (its last error: " + l.lastError() + ")"));
            s.problems().forEach(p -> LOG.warnf("Not delivered: %s", p));
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
    void onStopping(@Observes BeforeStop event) {
        stopping = true;
        if (running.availablePermits() == 0) {
            LOG.info("Stopping: the sync in flight finishes the deliveries under way and leaves the rest for the next sync");
        }
    }

    public boolean stopping() {
        return stopping;
    }

    public Summary lastSummary() {
        return last;
    }
}
