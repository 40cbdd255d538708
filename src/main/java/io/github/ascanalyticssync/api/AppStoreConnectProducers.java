package io.github.ascanalyticssync.api;

import java.net.http.HttpClient;
import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

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
    AppStoreConnectClient client(SyncConfig config, TokenIssuer tokens, ApiStats stats, MeterRegistry registry) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(config.api().connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        SyncConfig.RateLimit limit = config.sync().rateLimit();
        RateBudget budget = new RateBudget(limit.callsPerWindow(), limit.window(), limit.reserve());
        Gauge.builder("asc.api.budget.used", budget, RateBudget::used).description("API calls counted in the sync's current rate window")
                .register(registry);
        Gauge.builder("asc.api.budget.limit", budget, RateBudget::budget).description("The sync's budget of API calls per rate window")
                .register(registry);
        return new AppStoreConnectClient(http, tokens, baseUrl(config), stats, config.api().requestTimeout(), budget);
    }

    /** {@code asc.api.base-url}, Apple's API when it is not set (a simulator is reached only by setting it). */
    static String baseUrl(SyncConfig config) {
        return config.api().baseUrl().orElse(APPLE_BASE_URL);
    }
}
