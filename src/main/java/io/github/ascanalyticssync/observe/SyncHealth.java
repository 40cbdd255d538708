package io.github.ascanalyticssync.observe;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.github.ascanalyticssync.config.SecretsLogFilter;

/**
 * Health at {@code /q/health/live} and {@code /q/health/ready}.
 * <ul>
 * <li>Live: Camel runs. Nothing a remote system does can make it DOWN, so Kubernetes never restarts a pod for an
 * outage it cannot fix.</li>
 * <li>Ready ({@code SyncReady}, with the run): the configuration passed the start-up checks and a token can be minted. The state of each destination
 * and of the last sync are in its data: a destination that is failing shows there (and in the metrics) but does
 * not make the pod unready. The sync takes no traffic, and restarting or unreadying it would only stop the other
 * destinations; the failing one is retried every sync and catches up.</li>
 * </ul>
 */
@ApplicationScoped
public class SyncHealth {

    /** Since when a destination fails (cleared by a sync in which it failed nothing), and its last error. */
    record Failure(Instant since, String lastError) {
    }

    private final Map<String, Failure> failing = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicLong> failuresThisSync = new ConcurrentHashMap<>();
    private final Map<String, Long> failuresLastSync = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastDelivery = new ConcurrentHashMap<>();

    void delivered(String destination) {
        lastDelivery.put(destination, Instant.now());
    }

    /** An error in one line, its secrets masked as in the logs (SecretsLogFilter): the message of its deepest cause that has one. */
    public String describe(Throwable e) {
        if (e == null) {
            return "failed";
        }
        Throwable shown = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                shown = t;
            }
        }
        String text = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
        return SecretsLogFilter.mask(text);
    }

    void failed(String destination, Exception e) {
        String message = describe(e);
        failuresThisSync.computeIfAbsent(destination, d -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        failing.compute(destination, (d, before) -> new Failure(before == null ? Instant.now() : before.since(), message));
    }

    public void syncStarted() {
        failuresThisSync.clear();
    }

    /** A destination that failed nothing in the whole sync is healthy again. */
    public void syncFinished() {
        failing.keySet().removeIf(d -> !failuresThisSync.containsKey(d));
        failuresLastSync.clear();
        failuresThisSync.forEach((d, n) -> failuresLastSync.put(d, n.get()));
    }

    public Map<String, String> destinations(Iterable<String> names) {
        Map<String, String> out = new TreeMap<>();
        for (String name : names) {
            Failure f = failing.get(name);
            Instant last = lastDelivery.get(name);
            var now = failuresThisSync.get(name);
            long failures = now != null ? now.get() : failuresLastSync.getOrDefault(name, 0L);
            out.put(name, f != null ? "failing since " + f.since() + ": " + failures + " delivery failure(s) in the last sync, the last: "
                    + f.lastError() : last != null ? "ok, last delivery " + last : "ok, nothing delivered yet");
        }
        return out;
    }

    @Liveness
    @ApplicationScoped
    static class Live implements HealthCheck {
        @Inject
        CamelContext camel;

        @Override
        public HealthCheckResponse call() {
            var status = camel.getStatus();
            return HealthCheckResponse.named("asc-sync-live").status(!status.isStopped() && !status.isStopping() && !status.isSuspended())
                    .withData("camel", status.name()).build();
        }
    }
}
