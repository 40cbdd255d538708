package io.github.ascanalyticssync.api;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.quarkus.main.events.BeforeStop;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.sync.SyncConfig;

/** The rate budget of each App Store Connect key ({@link ApiKeys}), from {@code asc.sync.rate-limit.*} and the key's own budget. */
@ApplicationScoped
public class AppStoreConnectProducers {

    public static final String APPLE_BASE_URL = "https://api.appstoreconnect.apple.com";
    static final Duration ONE_SHOT_MAX_WAIT = Duration.ofMinutes(5);

    @Inject
    SyncConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    StateStore store;

    /**
     * The budget of the key {@code key}: {@code callsPerWindow} calls in any rolling {@code asc.sync.rate-limit.window};
     * its state in the store under the key's App Store Connect key id ({@code quotaId}), the unit Apple counts by.
     */
    RateBudget rateBudget(String key, String quotaId, int callsPerWindow) {
        SyncConfig.RateLimit limit = config.sync().rateLimit();
        Duration maxWait = limit.maxWait().orElse(config.sync().mode() == SyncConfig.Mode.ONE_SHOT ? ONE_SHOT_MAX_WAIT : limit.window());
        RateBudget budget = new RateBudget(quotaId, callsPerWindow, limit.window(), limit.reserve(), maxWait, store);
        Gauge.builder("asc.api.budget.used", budget, RateBudget::used).tag("key", key)
                .description("API calls counted in the sync's current rate window").register(registry);
        Gauge.builder("asc.api.budget.limit", budget, RateBudget::budget).tag("key", key)
                .description("The sync's budget of API calls per rate window").register(registry);
        return budget;
    }

    /** The application is stopping (SIGTERM): a run waiting for the quota ends its wait now. */
    void stopping(@Observes BeforeStop event, ApiKeys keys) {
        keys.budgets().forEach(RateBudget::stop);
    }
}
