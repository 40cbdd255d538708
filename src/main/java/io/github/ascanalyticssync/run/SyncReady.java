package io.github.ascanalyticssync.run;

import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.destination.Destinations;
import io.github.ascanalyticssync.observe.SyncHealth;

/**
 * Readiness at {@code /q/health/ready} (liveness and the destinations' health: {@link SyncHealth}): the configuration
 * passed the start-up checks and a token can be minted. The state of each destination and of the last sync are in its
 * data: a destination that is failing shows there (and in the metrics) but does not make the pod unready.
 */
@Readiness
@ApplicationScoped
public class SyncReady implements HealthCheck {
    @Inject
    SyncStartup startup;

    @Inject
    ApiKeys keys;

    @Inject
    SyncHealth health;

    @Inject
    SyncRun run;

    @Inject
    Destinations destinations;

    @Inject
    SyncConfig config;

    @Inject
    io.github.ascanalyticssync.ledger.StateStore state;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder r = HealthCheckResponse.named("asc-sync-ready");
        if (!config.sync().enabled()) {
            return r.up().withData("sync", "off (asc.sync.enabled=false)").build();
        }
        if (!startup.checksPassed()) {
            return r.down().withData("configuration", "the start-up checks have not passed (see the log)").build();
        }
        // several keys: each one's state under key.<name>; the pod is unready only when no key can make a token
        Map<String, String> byKey = new TreeMap<>();
        for (KeySettings.Key key : keys.all()) {
            String problem = keys.credentialsProblem(key.name()).map(p -> "no token can be minted: " + p).orElse(null);
            String refused = keys.refusal(key.name()).map(p -> "refused by App Store Connect in the last sync: " + p).orElse(null);
            byKey.put(key.name(), problem != null ? problem : refused != null ? refused : "can be minted");
        }
        if (!keys.several()) {
            String token = byKey.values().iterator().next();
            if (token.startsWith("no token")) {
                return r.down().withData("token", token).build();
            }
            r.up().withData("configuration", "valid").withData("token", token);
        } else {
            boolean any = byKey.values().stream().anyMatch(v -> !v.startsWith("no token"));
            r.status(any).withData("configuration", "valid");
            byKey.forEach((name, state) -> r.withData("key." + name, state.startsWith("no token") || state.startsWith("refused") ? state
                    : "token can be minted"));
        }
        health.destinations(destinations.names()).forEach((name, state) -> r.withData("destination." + name, state));
        if (config.state().store() == SyncConfig.Store.JDBC) {
            try {
                state.get("readiness");
                r.withData("database", "reachable");
            } catch (RuntimeException e) {
                // like a destination: shown, and retried by every sync, but no reason to take the pod out
                r.withData("database", "unreachable: " + e.getMessage());
            }
        }
        if (config.cluster().enabled()) {
            r.withData("cluster", config.cluster().shards() + " shard(s), leadership through " + config.cluster().service());
        }
        SyncRun.Summary last = run.lastSummary();
        if (last != null) {
            r.withData("lastSync", last.started() + ": " + (last.complete() ? "complete" : "incomplete, " + last.problems().size()
                    + " problem(s)") + ", " + last.newSegments() + " new segment(s), " + last.warnings().size() + " warning(s)");
        }
        return r.build();
    }
}
