package io.github.ascanalyticssync.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.github.ascanalyticssync.sync.SyncConfig;

/** The rate budget of each App Store Connect key ({@link ApiKeys}), from {@code asc.sync.rate-limit.*} and the key's own budget. */
@ApplicationScoped
public class AppStoreConnectProducers {

    public static final String APPLE_BASE_URL = "https://api.appstoreconnect.apple.com";

    @Inject
    SyncConfig config;

    @Inject
    MeterRegistry registry;

    /** The budget of the key {@code key}: {@code callsPerWindow} calls in any rolling {@code asc.sync.rate-limit.window}. */
    RateBudget rateBudget(String key, int callsPerWindow) {
        SyncConfig.RateLimit limit = config.sync().rateLimit();
        RateBudget budget = new RateBudget(callsPerWindow, limit.window(), limit.reserve());
        Gauge.builder("asc.api.budget.used", budget, RateBudget::used).tag("key", key)
                .description("API calls counted in the sync's current rate window").register(registry);
        Gauge.builder("asc.api.budget.limit", budget, RateBudget::budget).tag("key", key)
                .description("The sync's budget of API calls per rate window").register(registry);
        return budget;
    }
}
