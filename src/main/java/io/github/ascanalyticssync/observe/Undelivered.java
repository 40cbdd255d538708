package io.github.ascanalyticssync.observe;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the sync in flight did not deliver, as {@link RunTally} keeps it: the apps and report requests with something
 * missing, the segments delivered per request, and per destination what it still lacks and the last error it gave.
 */
final class Undelivered {

    /** What one destination lacks so far. */
    private record Missing(AtomicLong segments, AtomicLong manifests) {
    }

    private final Set<String> failedApps = ConcurrentHashMap.newKeySet();
    private final Set<String> failedRequests = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> deliveredByRequest = new ConcurrentHashMap<>();
    private final Map<String, Missing> lacking = new ConcurrentHashMap<>();
    private final Map<String, String> lastErrors = new ConcurrentHashMap<>();

    /** A new sync: nothing missing yet. */
    void clear() {
        failedApps.clear();
        failedRequests.clear();
        deliveredByRequest.clear();
        lacking.clear();
        lastErrors.clear();
    }

    /** Something of the app is missing after this sync. */
    void app(String appId) {
        failedApps.add(appId);
    }

    /** Something of the report request (when there is one) is missing after this sync. */
    void request(String requestId) {
        if (requestId != null) {
            failedRequests.add(requestId);
        }
    }

    /** A segment of the request (when there is one) was delivered. */
    void delivered(String requestId) {
        if (requestId != null) {
            deliveredByRequest.computeIfAbsent(requestId, r -> new AtomicLong()).incrementAndGet();
        }
    }

    /** The destination lacks one more segment or manifest. */
    void missing(String destination, boolean manifest) {
        Missing m = lacking.computeIfAbsent(destination, k -> new Missing(new AtomicLong(), new AtomicLong()));
        (manifest ? m.manifests() : m.segments()).incrementAndGet();
    }

    /** The destination's last error in this sync. */
    void lastError(String destination, String error) {
        lastErrors.put(destination, error);
    }

    boolean appFailed(String appId) {
        return failedApps.contains(appId);
    }

    long deliveredFrom(String requestId) {
        AtomicLong n = deliveredByRequest.get(requestId);
        return n == null ? 0 : n.get();
    }

    boolean complete(String requestId) {
        return !failedRequests.contains(requestId);
    }

    /** Per destination, what it still lacks, with its last error. */
    Map<String, RunTally.Lacking> lacking() {
        Map<String, RunTally.Lacking> out = new TreeMap<>();
        lacking.forEach((d, m) -> out.put(d, new RunTally.Lacking(m.segments().get(), m.manifests().get(), lastErrors.get(d))));
        return out;
    }
}
