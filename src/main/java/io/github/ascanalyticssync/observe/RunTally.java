package io.github.ascanalyticssync.observe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.ApiValues;
import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.api.RateBudget;
import io.github.ascanalyticssync.config.LocalDisk;
import io.github.ascanalyticssync.destination.SegmentFetcher;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the sync in flight did, as it goes: counts per app (logged as progress every 10 seconds), what was not
 * delivered and why, per app, per report request and per destination, and the warnings. {@link SyncRun} starts and
 * closes it. The counts are kept by {@link RunCounters}, what is missing by {@link Undelivered}; what a failed listing
 * or delivery means is told by {@link WalkFailures} and {@link DeliveryFailures}.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("runTally")
public class RunTally {

    private static final Logger LOG = Logger.getLogger(RunTally.class);

    /** What one destination still lacks after the sync, and the last error it gave. */
    public record Lacking(long segments, long manifests, String lastError) {
    }

    @Inject
    SyncMetrics metrics;

    @Inject
    ApiKeys keys;

    @Inject
    WalkFailures walkFailures;

    @Inject
    DeliveryFailures deliveryFailures;

    private final RunCounters counters = new RunCounters();
    private final Undelivered undelivered = new Undelivered();
    private final SyncProgress progress = new SyncProgress();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> listedInstances = ConcurrentHashMap.newKeySet();
    private volatile boolean walkFailed;

    public void reset() {
        progress.reset();
        problems.clear();
        warnings.clear();
        undelivered.clear();
        listedInstances.clear();
        walkFailed = false;
        LocalDisk.syncStarted();
        counters.reset();
    }

    /**
     * The counts of the sync: new, skipped and failed segments, instances completed and already complete, bytes
     * downloaded, and segments copied to destinations that lacked them.
     */
    public RunCounts counts() {
        return counters.counts();
    }

    public boolean appFailed(String appId) {
        return undelivered.appFailed(appId);
    }

    public List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    public List<String> warnings() {
        synchronized (warnings) {
            return List.copyOf(warnings);
        }
    }

    /** Per destination, what it still lacks after this sync. */
    public Map<String, Lacking> lacking() {
        return undelivered.lacking();
    }

    private SyncProgress.App app(String appId) {
        return progress.app(appId);
    }

    public void reportSelected(Exchange exchange) {
        app(exchange.getVariable("appId", String.class)).reports.incrementAndGet();
    }

    public void instanceListed(Exchange exchange) {
        app(exchange.getVariable("appId", String.class)).instancesListed.incrementAndGet();
    }

    public void segmentsListed(Exchange exchange) {
        List<?> segments = exchange.getVariable("page", JsonApi.Document.class).data();
        app(exchange.getVariable("appId", String.class)).segmentsListed.addAndGet(segments.size());
    }

    /** An instance App Store Connect listed in this sync. */
    public void instanceListed(String instanceId) {
        listedInstances.add(instanceId);
    }

    /** The instances App Store Connect listed, when every listing of this sync succeeded; else null. */
    public Set<String> listedInstances() {
        return walkFailed ? null : Set.copyOf(listedInstances);
    }

    /** Whether every listing of this sync was made (none failed, none left for the next run by the quota). */
    public boolean walkComplete() {
        return !walkFailed;
    }

    /** A destination lacks something this sync cannot deliver. */
    public void destinationProblem(String problem) {
        problems.add(problem);
    }

    public void instanceAlreadyComplete() {
        counters.alreadyComplete.incrementAndGet();
    }

    public void instanceCompleted(String appId) {
        counters.completed.incrementAndGet();
        app(appId).instancesDone.incrementAndGet();
    }

    void onDownloaded(@Observes SegmentFetcher.Downloaded d) {
        downloaded(d.appId(), d.bytes());
    }

    void onCopyRefused(@Observes SegmentFetcher.CopyRefused c) {
        warn(c.warning());
    }

    public void downloaded(String appId, long size) {
        counters.bytes.addAndGet(size);
        app(appId).bytes.addAndGet(size);
        metrics.downloaded(size);
    }

    public void segmentSkipped(String appId) {
        counters.skipped.incrementAndGet();
        app(appId).segmentsDone.incrementAndGet();
    }

    public void segmentDelivered(Exchange exchange) {
        counters.newSegments.incrementAndGet();
        app(exchange.getVariable("appId", String.class)).segmentsDone.incrementAndGet();
        undelivered.delivered(exchange.getVariable("requestId", String.class));
    }

    /**
     * The progress lines every ten seconds while a sync runs (from the timer of routes/sync.yaml, so that they go on
     * while the sync waits), with what it waits for.
     */
    public void progress() {
        progress.log(() -> keys.budgets().stream().map(RateBudget::waiting).filter(Objects::nonNull).collect(Collectors.joining(" and ")));
    }

    /** The sync is over: no more progress lines until the next. */
    public void finished() {
        progress.finished();
    }

    /**
     * A segment another destination already had, delivered in this sync to a destination that lacked it (from the
     * copy the local folder holds, or from the staged copy): not new.
     */
    public void segmentCopied(Exchange exchange) {
        counters.copied.incrementAndGet();
        app(exchange.getVariable("appId", String.class)).segmentsDone.incrementAndGet();
    }

    /** A segment or manifest that the named destinations still lack after this sync. */
    public void notDelivered(Exchange exchange, List<String> destinations, boolean manifest) {
        failedRun(exchange);
        for (String d : destinations) {
            undelivered.missing(d, manifest);
        }
    }

    /** Segments delivered from the request in this sync. */
    public long deliveredFrom(String requestId) {
        return undelivered.deliveredFrom(requestId);
    }

    /** Whether everything of the request this sync walked reached every destination. */
    public boolean complete(String requestId) {
        return undelivered.complete(requestId);
    }

    private void failedRun(Exchange exchange) {
        undelivered.app(String.valueOf(exchange.getVariable("appId")));
        undelivered.request(exchange.getVariable("requestId", String.class));
    }

    public void problem(String appId, String problem) {
        problems.add(problem);
        undelivered.app(appId);
    }

    /**
     * Apps of a key not walked in this sync (its credentials, or App Store Connect refused it): nothing of theirs was
     * listed, so no instance counts as gone from App Store Connect either.
     */
    public void keyProblem(String appId, String problem) {
        walkFailed = true;
        problems.add(problem);
        if (appId != null) {
            undelivered.app(appId);
        }
    }

    public void appWithoutRequest(String appId, String why) {
        problem(appId, "app " + appId + ": " + why);
        LOG.warnf("Skipping app %s: %s", appId, why);
    }

    /** Something the user should know that does not make the sync incomplete (a date Apple skipped, data lost to retention). */
    public void warn(String warning) {
        warnings.add(warning);
        metrics.warning();
        LOG.warn(warning);
    }

    /** A segment not started because the application is stopping: not failed, left for the next sync. */
    public void segmentLeft(Exchange exchange) {
        failedRun(exchange);
        problems.add("segment " + exchange.getVariable("segmentId") + " of app " + exchange.getVariable("appId")
                + " was left for the next sync (the application stopped)");
    }

    /** A segment whose download failed every attempt: the sync carries on without it. */
    public void segmentFailed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String id = exchange.getVariable("segmentId", String.class);
        counters.failed.incrementAndGet();
        failedRun(exchange);
        metrics.segmentFailed();
        problems.add("segment " + id + " of app " + exchange.getVariable("appId") + ": " + (e == null ? "failed" : e.getMessage()));
        LOG.errorf("Segment %s failed after its retries, left for the next sync: %s", id, e == null ? "" : e.getMessage());
    }

    /** A listing call that failed every attempt: the part of the walk below it waits for the next sync. */
    public void walkFailed(Exchange exchange) {
        walkFailed = true;
        failedRun(exchange);
        String problem = walkFailures.failed(exchange);
        if (problem != null) {
            problems.add(problem);
        }
    }

    /**
     * An item App Store Connect sent that the sync cannot use (an id that is not an id, a listing that loops): skipped
     * with the exception's one sentence, counted as not delivered; the rest of the walk goes on.
     */
    public void refused(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String why = e == null ? "App Store Connect sent something the sync cannot use" : e.getMessage();
        walkFailed = true;
        failedRun(exchange);
        if (exchange.getVariable("segmentId") != null || (e instanceof ApiValues.Refused r && "segment".equals(r.kind()))) {
            counters.failed.incrementAndGet();
        }
        problems.add(why);
        LOG.error(why);
    }

    /** A part of the walk left for the next run without a call (the quota, see {@link QuotaLeft}): not logged one by one. */
    public void walkIncomplete(Exchange exchange) {
        walkFailed = true;
        failedRun(exchange);
    }

    /** A destination that failed every attempt: the others are not held up; this one gets it on the next sync. */
    public void deliveryFailed(Exchange exchange) {
        DeliveryFailures.Failed failed = deliveryFailures.failed(exchange);
        undelivered.lastError(failed.destination(), failed.error());
    }
}
