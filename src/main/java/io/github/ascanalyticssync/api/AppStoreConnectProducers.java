package io.github.ascanalyticssync.api;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.github.ascanalyticssync.simulator.Endpoints;
import io.github.ascanalyticssync.simulator.SimulatorConfig;
import io.github.ascanalyticssync.sync.SyncConfig;
import io.github.ascanalyticssync.token.TokenIssuer;

/** The token issuer and the API client, built from {@code asc.api.*}, validated when they are first needed. */
@ApplicationScoped
public class AppStoreConnectProducers {

    public static final String APPLE_BASE_URL = "https://api.appstoreconnect.apple.com";

    @Produces
    @ApplicationScoped
    TokenIssuer tokenIssuer(SyncConfig config) {
        SyncConfig.Api api = config.api();
        return new TokenIssuer(TokenIssuer.credentials(api.keyId(), api.issuerId(), api.individualKey(), api.privateKey(), api.privateKeyPath()),
                api.tokenLifetime(), api.tokenRefreshMargin(), Clock.systemUTC());
    }

    @Produces
    @ApplicationScoped
    @Named("appStoreConnect")
    AppStoreConnectClient client(SyncConfig config, TokenIssuer tokens, ApiStats stats, SimulatorConfig simulator, Endpoints endpoints,
            MeterRegistry registry) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(config.api().connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        SyncConfig.RateLimit limit = config.sync().rateLimit();
        RateBudget budget = new RateBudget(limit.callsPerWindow(), limit.window(), limit.reserve());
        Gauge.builder("asc.api.budget.used", budget, RateBudget::used).description("API calls counted in the sync's current rate window")
                .register(registry);
        Gauge.builder("asc.api.budget.limit", budget, RateBudget::budget).description("The sync's budget of API calls per rate window")
                .register(registry);
        return new AppStoreConnectClient(http, tokens, baseUrl(config, simulator, endpoints), stats, config.api().requestTimeout(), budget);
    }

    /** The configured base URL; else the simulator's when it runs in this process; else Apple's. */
    static String baseUrl(SyncConfig config, SimulatorConfig simulator, Endpoints endpoints) {
        if (config.api().baseUrl().isPresent()) {
            return config.api().baseUrl().get();
        }
        if (simulator.enabled()) {
            if (!endpoints.awaitBound(Duration.ofSeconds(30))) {
                throw new IllegalStateException("The App Store Connect simulator did not start; set asc.api.base-url or check the simulator's log");
            }
            return endpoints.apiBaseUrl();
        }
        return APPLE_BASE_URL;
    }
}
