package io.github.ascanalyticssync.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.apache.camel.quarkus.main.events.BeforeStop;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.ApiStats;
import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.config.LocalDisk;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.destination.Destinations;
import io.github.ascanalyticssync.destination.Staging;
import io.github.ascanalyticssync.observe.RunCounts;
import io.github.ascanalyticssync.observe.RunTally;
import io.github.ascanalyticssync.observe.SyncHealth;
import io.github.ascanalyticssync.observe.SyncMetrics;
import io.github.ascanalyticssync.observe.SyncStatus;
import io.github.ascanalyticssync.observe.SyncSummary;
import io.github.ascanalyticssync.walk.CurrentRun;
import io.github.ascanalyticssync.walk.ListingBudget;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One sync at a time: which apps it walks, and its summary (what it did is counted by {@link RunTally}). In one-shot
 * mode the end of the sync ends the process: exit 0 when everything selected reached every destination, 3 when App Store
 * Connect's quota left work for the next run ({@link QuotaLeft}), 1 otherwise.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("syncRun")
public class SyncRun implements CurrentRun {

    private static final Logger LOG = Logger.getLogger(SyncRun.class);

    /** What one sync did; {@code lacking}: per destination, what it still lacks. */
    public record Summary(Instant started, Duration duration, long newSegments, long skippedSegments, long failedSegments,
            long instancesCompleted, long instancesAlreadyComplete, long bytes, List<String> problems, List<String> warnings,
            Map<String, Long> apiCalls, Integer rateLimitRemaining, Integer rateLimit, Map<String, RunTally.Lacking> lacking,
            long copiedSegments) implements SyncSummary {

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

    @Inject
    ApiKeys keys;

    @Inject
    QuotaLeft quotaLeft;

    @Inject
    StateGuard guard;

    @Inject
    ListingBudget listingBudget;

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
     * Starts a sync and returns the names of the keys to walk, side by side (route {@code asc-run}). In
     * clustered mode (variable {@code shard}) shards wait for each other.
     */
    public List<String> begin(@Variable("shard") Integer shard, Exchange exchange) throws InterruptedException {
        if (!startup.awaitChecks()) {
            // the failed check logged its one line and the application is stopping
            exchange.setRouteStop(true);
            return List.of();
        }
        if (shard != null) {
            // this replica's other shards first; a replica that is stopping leaves the shard to its next leader
            while (!running.tryAcquire(1, TimeUnit.SECONDS)) {
                if (stopping) {
                    throw new IllegalStateException("Stopping: the sync of shard " + shard + " is left to its next leader");
                }
            }
        } else if (!running.tryAcquire()) {
            // a timer tick while the previous sync still runs: nothing is wrong, the tick is simply skipped
            LOG.infof("A sync is still running (started %s): this tick is skipped", started);
            exchange.setRouteStop(true);
            return List.of();
        }
        // from here the permit is this sync's: whatever fails before the sync is under way gives it back
        boolean underWay = false;
        try {
            if (!guard.stillHeld()) {
                // said in one line; the state belongs to another process now
                exchange.setRouteStop(true);
                if (config.sync().mode() == SyncConfig.Mode.ONE_SHOT) {
                    Quarkus.asyncExit(StateGuard.EXIT_HELD);
                }
                return List.of();
            }
            tally.reset();
            keys.syncStarted();
            quotaLeft.syncStarted();
            listingBudget.syncStarted(shard);
            destinations.syncStarted();
            staging.sweep();
            status.syncStarted();
            walkedApps.clear();
            this.shard = shard;
            destinationHealth.syncStarted();
            started = Instant.now();
            callsAtStart = apiStats.callsByEndpoint();
            List<KeySettings.Key> all = keys.all();
            String apps = all.stream().map(k -> (keys.several() ? "key " + k.name() + ": " : "")
                    + (k.appIds().isEmpty() ? "every app the key can see" : k.appIds().size() + " app(s)")).collect(Collectors.joining("; "));
            LOG.infof("Sync started: %s%s", apps, shard == null ? "" : ", those of shard " + shard);
            underWay = true;
            return all.stream().map(KeySettings.Key::name).toList();
        } catch (RuntimeException e) {
            // e.g. the ledger in a database that does not answer: one line, the next sync tries again
            LOG.errorf("The sync could not start: %s; the next %s tries again", oneLine(e),
                    config.sync().mode() == SyncConfig.Mode.ONE_SHOT ? "run" : "sync");
            LOG.debug("The sync could not start", e);
            exchange.setRouteStop(true);
            if (config.sync().mode() == SyncConfig.Mode.ONE_SHOT) {
                LOG.info("One-shot sync done, exiting with 1");
                Quarkus.asyncExit(1);
            }
            return List.of();
        } finally {
            if (!underWay) {
                running.release();
            }
        }
    }

    /**
     * Something failed inside the sync that no route's error handling took (routes/sync.yaml, asc-run's doCatch): it is
     * a problem of this sync, said in the summary; the sync then finishes as usual (and gives its permit back).
     */
    public void failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        tally.destinationProblem("the sync stopped early: " + (e == null ? "unknown failure" : oneLine(e)));
        LOG.debug("The sync stopped early", e);
    }

    /** The error's message in one line, its secrets masked (it goes to the log and the summary's problems). */
    private String oneLine(Throwable e) {
        String m = destinationHealth.describe(e);
        return m.lines().findFirst().orElse(m);
    }

    /** When the current (or last) sync started; null before the first. */
    @Override
    public Instant started() {
        return started;
    }

    /**
     * Whether this sync walks the app: not when excluded for its key, when another key walked it already in this sync
     * (app ids are global: one app, one ledger), when App Store Connect refused the key in this sync (reported, no
     * call), nor, in clustered mode, when the app is in another shard (the shard hash includes the key's name).
     */
    public boolean takesApp(Exchange exchange, @Variable("appId") String appId) {
        KeySettings.Key key = keys.of(exchange);
        if (key.excludeAppIds().contains(appId)) {
            return false;
        }
        Integer s = shard;
        if (s != null && Cluster.shardOf(Cluster.shardKey(key.name(), appId), config.cluster().shards()) != s) {
            return false;
        }
        if (!walkedApps.add(appId)) {
            LOG.debugf("App %s%s was synced through another key in this sync already", appId, key.label());
            return false;
        }
        Optional<String> refused = keys.refusal(key.name());
        if (refused.isPresent()) {
            tally.keyProblem(appId, "app " + appId + key.label() + ": not synced, App Store Connect refused the key in this sync: " + refused.get());
            return false;
        }
        return true;
    }

    public Summary finish() {
        try {
            Set<String> listed = tally.listedInstances();
            if (listed != null) {
                destinations.lackingUnserved(listed).forEach((d, n) -> tally.destinationProblem(SummaryLines.unserved(d, n, config.sync().retentionDays())));
            }
            String quota = quotaLeft.syncFinished();
            if (quota != null) {
                tally.destinationProblem(quota);
            }
            Map<String, Long> calls = SummaryLines.callsSince(callsAtStart, apiStats.callsByEndpoint());
            RunCounts n = tally.counts();
            Summary s = new Summary(started, Duration.between(started, Instant.now()), n.newSegments(), n.skipped(), n.failed(), n.completed(),
                    n.alreadyComplete(), n.bytes(), tally.problems(), tally.warnings(), calls, apiStats.remaining(), apiStats.limit(),
                    tally.lacking(), n.copied());
            last = s;
            boolean saved = save(s);
            metrics.syncFinished(s.duration(), s.complete());
            destinationHealth.syncFinished();
            walkedApps.stream().filter(a -> !tally.appFailed(a)).forEach(metrics::appSynced);
            SummaryLines.log(s, calls, stopping);
            if (config.sync().mode() == SyncConfig.Mode.ONE_SHOT && stopping) {
                // the signal decides the exit code (130 for SIGINT, 143 for SIGTERM)
                LOG.info("One-shot sync stopped by a signal: what it did not reach is left for the next run");
            } else if (config.sync().mode() == SyncConfig.Mode.ONE_SHOT) {
                int code = quotaLeft.usedUp() ? 3 : s.complete() && saved ? 0 : 1;
                LOG.infof("One-shot sync done, exiting with %d", code);
                Quarkus.asyncExit(code);
            }
            return s;
        } finally {
            tally.finished();
            running.release();
        }
    }

    /** Records the summary in the state store; a full disk there is said once and does not keep a one-shot run from ending. */
    private boolean save(Summary s) {
        try {
            // the listing budget's counts for the next sync (beside the quota's state, kept by quotaLeft.syncFinished)
            status.save(s, listingBudget.syncFinished(shard, tally.walkComplete()));
            return true;
        } catch (RuntimeException e) {
            String sentence = LocalDisk.isFull(e) ? LocalDisk.full(config.state().dir(), "asc.state.dir") : String.valueOf(e.getMessage());
            if (LocalDisk.firstTime("asc.state.dir", sentence)) {
                LOG.error(sentence);
            }
            LOG.debug("The summary could not be recorded", e);
            return false;
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

    @Override
    public boolean stopping() {
        return stopping;
    }

    public Summary lastSummary() {
        return last;
    }
}
