package io.github.ascanalyticssync.run;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.observe.SyncProgress;

/** The end of a sync, for {@link SyncRun#finish()}: the API calls it made, and the lines that say what it did. */
final class SummaryLines {

    // its lines are the sync's
    private static final Logger LOG = Logger.getLogger(SyncRun.class);

    private SummaryLines() {
    }

    /** The calls per endpoint since the start of the sync (endpoints not called since are left out). */
    static Map<String, Long> callsSince(Map<String, Long> atStart, Map<String, Long> now) {
        Map<String, Long> calls = new LinkedHashMap<>();
        now.forEach((endpoint, n) -> {
            long delta = n - atStart.getOrDefault(endpoint, 0L);
            if (delta > 0) {
                calls.put(endpoint, delta);
            }
        });
        return calls;
    }

    /** The problem of a destination that lacks instances App Store Connect no longer serves: how to fill it from another. */
    static String unserved(String destination, long instances, int retentionDays) {
        return "destination " + destination + " lacks " + instances
                + " instance(s) that the other destinations have and App Store Connect no longer serves (older than its "
                + retentionDays + "-day retention, of a deleted request, or of a ONE_TIME_SNAPSHOT this sync"
                + " did not walk); fill it from one of them: java -Dasc.sync.mode=seed -Dasc.seed.from=<a folder in this layout,"
                + " e.g. the local folder> -Dasc.seed.to=" + destination + " -jar target/quarkus-app/quarkus-run.jar";
    }

    /** The summary's lines: the counts and calls, then what each destination lacks, then every problem. */
    static void log(SyncRun.Summary s, Map<String, Long> calls, boolean stopping) {
        LOG.infof("Sync %s %.1f s: %d new segment(s) (%s), %d copied to destinations that lacked them, %d skipped (already"
                + " everywhere), %d failed; %d instance(s) completed, %d already complete; %d API call(s) %s; rate limit remaining %s of %s",
                stopping ? "stopped (the application was asked to stop) after" : "finished in", s.duration().toMillis() / 1000.0, s.newSegments(),
                SyncProgress.human(s.bytes()), s.copiedSegments(), s.skippedSegments(), s.failedSegments(), s.instancesCompleted(),
                s.instancesAlreadyComplete(), calls.values().stream().mapToLong(Long::longValue).sum(), calls,
                s.rateLimitRemaining() == null ? "?" : s.rateLimitRemaining(), s.rateLimit() == null ? "?" : s.rateLimit());
        s.lacking().forEach((destination, l) -> LOG.warnf("Not delivered: destination %s lacks %d segment(s) and %d manifest(s) after this"
                + " sync%s; they go there on the next sync (from the staged copies)", destination, l.segments(), l.manifests(),
                l.lastError() == null ? "" : " (its last error: " + l.lastError() + ")"));
        s.problems().forEach(p -> LOG.warnf("Not delivered: %s", p));
    }
}
