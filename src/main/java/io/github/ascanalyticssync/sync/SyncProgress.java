package io.github.ascanalyticssync.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/** Per app, how far the sync in flight got, logged every ten seconds while segments arrive. */
final class SyncProgress {

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

    void reset() {
        apps.clear();
        started = Instant.now();
        last = started;
    }

    App app(String appId) {
        return apps.computeIfAbsent(appId == null ? "?" : appId, k -> new App());
    }

    void log() {
        Instant now = Instant.now();
        if (Duration.between(last, now).compareTo(EVERY) < 0) {
            return;
        }
        last = now;
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
