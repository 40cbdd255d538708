package io.github.ascanalyticssync.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/** Per app, how far the sync in flight got, logged every ten seconds while it runs, also while it waits. */
public final class SyncProgress {

    private static final Logger LOG = Logger.getLogger(SyncProgress.class);
    private static final Duration EVERY = Duration.ofSeconds(10);

    static final class App {
        final AtomicLong reports = new AtomicLong();
        final AtomicLong instancesListed = new AtomicLong();
        final AtomicLong instancesDone = new AtomicLong();
        final AtomicLong segmentsListed = new AtomicLong();
        final AtomicLong segmentsDone = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
    }

    private final Map<String, App> apps = new ConcurrentHashMap<>();
    private volatile Instant started = Instant.now();
    private volatile Instant last = started;
    private volatile boolean running;

    void reset() {
        apps.clear();
        started = Instant.now();
        last = started;
        running = true;
    }

    /** The sync is over: no progress lines until the next. */
    void finished() {
        running = false;
    }

    App app(String appId) {
        return apps.computeIfAbsent(appId == null ? "?" : appId, k -> new App());
    }

    /**
     * The progress lines, when ten seconds have passed since the last: per app, and what the sync waits for (from
     * {@code waiting}, e.g. "the sync's own budget for key X until ..."; null when it waits for nothing).
     */
    synchronized void log(Supplier<String> waiting) {
        Instant now = Instant.now();
        if (!running || Duration.between(last, now).compareTo(EVERY) < 0) {
            return;
        }
        last = now;
        String w = waiting.get();
        String suffix = w == null || w.isEmpty() ? "" : " (waiting for " + w + ")";
        double seconds = Math.max(0.001, Duration.between(started, now).toMillis() / 1000.0);
        if (apps.isEmpty()) {
            LOG.infof("Progress: no app walked yet after %d s%s", Duration.between(started, now).toSeconds(), suffix);
        }
        apps.forEach((appId, p) -> LOG.infof("Progress app %s: %d report(s); instances %d of %d; segments %d of %d; %s at %s/s%s", appId,
                p.reports.get(), p.instancesDone.get(), p.instancesListed.get(), p.segmentsDone.get(), p.segmentsListed.get(),
                human(p.bytes.get()), human((long) (p.bytes.get() / seconds)), suffix));
    }

    public static String human(long bytes) {
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
