package io.github.ascanalyticssync.api;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.quarkus.main.events.BeforeStop;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.sync.SyncConfig;
import io.github.ascanalyticssync.token.TokenIssuer;

/** The token issuer and the rate budget of routes/asc-api.yaml, built from {@code asc.api.*} and {@code asc.sync.rate-limit.*}. */
@ApplicationScoped
public class AppStoreConnectProducers {

    public static final String APPLE_BASE_URL = "https://api.appstoreconnect.apple.com";
    static final Duration ONE_SHOT_MAX_WAIT = Duration.ofMinutes(5);

    @Produces
    @ApplicationScoped
    TokenIssuer tokenIssuer(SyncConfig config) {
        SyncConfig.Api api = config.api();
        return new TokenIssuer(TokenIssuer.credentials(api.keyId(), api.issuerId(), api.individualKey(), api.privateKey(), api.privateKeyPath()),
                api.tokenLifetime(), api.tokenRefreshMargin(), Clock.systemUTC());
    }

    @Produces
    @Singleton
    @Named("rateBudget")
    RateBudget rateBudget(SyncConfig config, MeterRegistry registry, StateStore store) {
        SyncConfig.RateLimit limit = config.sync().rateLimit();
        Duration maxWait = limit.maxWait().orElse(config.sync().mode() == SyncConfig.Mode.ONE_SHOT ? ONE_SHOT_MAX_WAIT : limit.window());
        RateBudget budget = new RateBudget(config.api().keyId().orElse("default"), limit.callsPerWindow(), limit.window(), limit.reserve(), maxWait,
                store);
        Gauge.builder("asc.api.budget.used", budget, RateBudget::used).description("API calls counted in the sync's current rate window")
                .register(registry);
        Gauge.builder("asc.api.budget.limit", budget, RateBudget::budget).description("The sync's budget of API calls per rate window")
                .register(registry);
        return budget;
    }

    /** The application is stopping (SIGTERM): a run waiting for the quota ends its wait now. */
    void stopping(@Observes BeforeStop event, @Named("rateBudget") RateBudget budget) {
        budget.stop();
    }
}
