package io.github.ascanalyticssync.observe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.ApiValues;
import io.github.ascanalyticssync.api.AppStoreConnectException;
import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.config.LocalDisk;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.destination.Destinations;
import io.github.ascanalyticssync.destination.SegmentFetcher;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the sync in flight did, as it goes: counts per app (logged as progress every 10 seconds), what was not
 * delivered and why, per app, per report request and per destination, and the warnings. {@link SyncRun} starts and
 * closes it.
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
    SyncHealth destinationHealth;

    @Inject
    Destinations destinations;

    @Inject
    ApiKeys keys;

    @Inject
    SyncConfig config;

    private final AtomicLong newSegments = new AtomicLong();
    private final AtomicLong copied = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong alreadyComplete = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final SyncProgress progress = new SyncProgress();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> failedApps = ConcurrentHashMap.newKeySet();
    private final Set<String> failedRequests = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> deliveredByRequest = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong[]> lacking = new ConcurrentHashMap<>();
    private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
    private final Set<String> listedInstances = ConcurrentHashMap.newKeySet();
    private volatile boolean walkFailed;

    /** The first call for an app: its report requests. */
    private static final String APP_REQUESTS = "GET /v1/apps/{id}/analyticsReportRequests";

    public void reset() {
        progress.reset();
        problems.clear();
        warnings.clear();
        failedApps.clear();
        failedRequests.clear();
        deliveredByRequest.clear();
        lacking.clear();
        lastErrors.clear();
        listedInstances.clear();
        walkFailed = false;
        LocalDisk.syncStarted();
        for (AtomicLong c : List.of(newSegments, skipped, failed, completed, alreadyComplete, bytes, copied)) {
            c.set(0);
        }
    }

    /**
     * The counts of the sync: new, skipped and failed segments, instances completed and already complete, bytes
     * downloaded, and segments copied to destinations that lacked them.
     */
    public RunCounts counts() {
        return new RunCounts(newSegments.get(), skipped.get(), failed.get(), completed.get(), alreadyComplete.get(), bytes.get(), copied.get());
    }

    public boolean appFailed(String appId) {
        return failedApps.contains(appId);
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
        Map<String, Lacking> out = new TreeMap<>();
        lacking.forEach((d, n) -> out.put(d, new Lacking(n[0].get(), n[1].get(), lastErrors.get(d))));
        return out;
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
        alreadyComplete.incrementAndGet();
    }

    public void instanceCompleted(String appId) {
        completed.incrementAndGet();
        app(appId).instancesDone.incrementAndGet();
    }

    void onDownloaded(@Observes SegmentFetcher.Downloaded d) {
        downloaded(d.appId(), d.bytes());
    }

    void onCopyRefused(@Observes SegmentFetcher.CopyRefused c) {
        warn(c.warning());
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

    public void segmentDelivered(Exchange exchange) {
        newSegments.incrementAndGet();
        app(exchange.getVariable("appId", String.class)).segmentsDone.incrementAndGet();
        String request = exchange.getVariable("requestId", String.class);
        if (request != null) {
            deliveredByRequest.computeIfAbsent(request, r -> new AtomicLong()).incrementAndGet();
        }
    }

    /**
     * The progress lines every ten seconds while a sync runs (from the timer of routes/sync.yaml, so that they go on
     * while the sync waits), with what it waits for.
     */
    public void progress() {
        progress.log(() -> keys.budgets().stream().map(io.github.ascanalyticssync.api.RateBudget::waiting).filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.joining(" and ")));
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
        copied.incrementAndGet();
        app(exchange.getVariable("appId", String.class)).segmentsDone.incrementAndGet();
    }

    /** A segment or manifest that the named destinations still lack after this sync. */
    public void notDelivered(Exchange exchange, List<String> destinations, boolean manifest) {
        failedRun(exchange);
        for (String d : destinations) {
            lacking.computeIfAbsent(d, k -> new AtomicLong[] { new AtomicLong(), new AtomicLong() })[manifest ? 1 : 0].incrementAndGet();
        }
    }

    /** Segments delivered from the request in this sync. */
    public long deliveredFrom(String requestId) {
        AtomicLong n = deliveredByRequest.get(requestId);
        return n == null ? 0 : n.get();
    }

    /** Whether everything of the request this sync walked reached every destination. */
    public boolean complete(String requestId) {
        return !failedRequests.contains(requestId);
    }

    private void failedRun(Exchange exchange) {
        failedApps.add(String.valueOf(exchange.getVariable("appId")));
        String request = exchange.getVariable("requestId", String.class);
        if (request != null) {
            failedRequests.add(request);
        }
    }

    public void problem(String appId, String problem) {
        problems.add(problem);
        failedApps.add(appId);
    }

    /**
     * Apps of a key not walked in this sync (its credentials, or App Store Connect refused it): nothing of theirs was
     * listed, so no instance counts as gone from App Store Connect either.
     */
    public void keyProblem(String appId, String problem) {
        walkFailed = true;
        problems.add(problem);
        if (appId != null) {
            failedApps.add(appId);
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
        failed.incrementAndGet();
        failedRun(exchange);
        metrics.segmentFailed();
        problems.add("segment " + id + " of app " + exchange.getVariable("appId") + ": " + (e == null ? "failed" : e.getMessage()));
        LOG.errorf("Segment %s failed after its retries, left for the next sync: %s", id, e == null ? "" : e.getMessage());
    }

    /** A listing call that failed every attempt: the part of the walk below it waits for the next sync. */
    public void walkFailed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Object where = exchange.getProperty(Exchange.FAILURE_ROUTE_ID);
        Object appId = exchange.getVariable("appId");
        String key = exchange.getVariable(ApiKeys.VARIABLE, String.class);
        walkFailed = true;
        failedRun(exchange);
        String whose = (appId == null ? "" : " for app " + appId) + (key == null ? "" : keys.key(key).label());
        if (e instanceof LocalDisk.WriteFailed || LocalDisk.isFull(e)) {
            // this host's disk, not App Store Connect: said once per folder and sync, then only counted
            String sentence = e instanceof LocalDisk.WriteFailed ? e.getMessage() : LocalDisk.full(config.state().dir(), "asc.state.dir");
            if (LocalDisk.firstTime("asc.state.dir", sentence)) {
                problems.add(sentence);
                LOG.error(sentence);
            } else {
                LOG.debugf("%s%s: %s", where, whose, sentence);
            }
            return;
        }
        if (key != null && e instanceof AppStoreConnectException refusal && (refusal instanceof AppStoreConnectException.NotAuthorized
                || refusal.status() == 403 && refusal.endpoint() != null && refusal.endpoint().startsWith("GET "))) {
            // the key itself is refused (revoked, or without access): its other apps are reported without calling in vain
            keys.refuse(key, refusal.getMessage());
        }
        KeySettings.Key k = appId != null && e instanceof AppStoreConnectException missing && missing.status() == 404
                && APP_REQUESTS.equals(missing.endpoint()) ? keys.of(exchange) : null;
        if (k != null && k.appIds().contains(String.valueOf(appId))) {
            // a configured app's first call: the app id itself is wrong, a mistake of the configuration that no retry mends
            String sentence = "app " + appId + k.label() + " does not exist or this key cannot see it (App Store Connect answered 404 to"
                    + " its report requests): check " + k.setting("app-ids") + (k.isDefault() ? " (ASC_APP_IDS)" : "")
                    + "; an app id is the app's numeric Apple ID (App Store Connect, App Information), not its bundle id";
            problems.add(sentence);
            LOG.error(sentence);
            return;
        }
        problems.add(where + whose + ": " + (e == null ? "failed" : e.getMessage()));
        LOG.errorf("%s failed after its retries%s, left for the next sync: %s", where, whose, e == null ? "" : e.getMessage());
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
            failed.incrementAndGet();
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
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String route = String.valueOf(exchange.getProperty(Exchange.FAILURE_ROUTE_ID));
        String destination = exchange.getVariable("destination", route.startsWith("deliver-") ? route.substring("deliver-".length()) : route,
                String.class);
        String kind = exchange.getVariable("deliveryKind", String.class);
        metrics.deliveryFailed(destination, kind);
        destinations.failed(destination);
        destinationHealth.failed(destination, e);
        String error = destinationHealth.describe(e);
        if (LocalDisk.isFull(e)) {
            // the ledger (in asc.state.dir) or the destination's own folder: the message of the failure names the file
            boolean ledger = String.valueOf(e).contains(config.state().dir().toAbsolutePath().toString())
                    || (e.getCause() != null && String.valueOf(e.getCause()).contains(config.state().dir().toAbsolutePath().toString()));
            String setting = ledger ? "asc.state.dir" : "local".equals(destination) ? "asc.destinations.local.path" : "its folder";
            error = ledger || "local".equals(destination)
                    ? "destination " + destination + ": " + LocalDisk.full(ledger ? config.state().dir() : config.destinations().local().path(), setting)
                    : "destination " + destination + ": no space left on device in its folder (" + error + "); free space there; what it lacks"
                            + " goes there on the next sync";
            lastErrors.put(destination, error);
            // the state folder is said once, whoever met it first (a download, the ledger of a delivery)
            if (LocalDisk.firstTime(ledger ? "asc.state.dir" : "destination " + destination + " " + setting, error)) {
                LOG.error(error);
            } else {
                LOG.debugf("Destination %s could not take %s %s: %s", destination, kind, exchange.getMessage().getHeader("file"), error);
            }
            return;
        }
        lastErrors.put(destination, error);
        LOG.errorf("Destination %s could not take %s %s, left for the next sync: %s", destination, kind,
                exchange.getMessage().getHeader("file"), error);
    }
}
