package io.github.ascanalyticssync.api;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.quarkus.main.events.BeforeStop;
import org.eclipse.microprofile.config.Config;

import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.token.InvalidCredentialsException;
import io.github.ascanalyticssync.token.TokenIssuer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The App Store Connect keys at work ({@link KeySettings}): per key one token issuer (and its token cache) and one
 * rate budget ({@code asc.sync.rate-limit.*} and the key's own budget), chosen by the walk's variable {@code ascKey},
 * set at the top of each key's part of the sync. Also what
 * went wrong with a key in the sync in flight (a key App Store Connect refused), so that its other apps are reported
 * at once instead of called in vain.
 */
// routes/asc-api.yaml calls its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("ascKeys")
public class ApiKeys {

    /** The exchange variable that names the key of the walk. */
    public static final String VARIABLE = "ascKey";
    static final Duration ONE_SHOT_MAX_WAIT = Duration.ofMinutes(5);

    @Inject
    SyncConfig config;

    @Inject
    Config settings;

    @Inject
    MeterRegistry registry;

    @Inject
    StateStore store;

    private Map<String, KeySettings.Key> keys;
    private final Map<String, TokenIssuer> issuers = new ConcurrentHashMap<>();
    private final Map<String, RateBudget> budgets = new ConcurrentHashMap<>();
    private final Map<String, String> refused = new ConcurrentHashMap<>();

    @PostConstruct
    void read() {
        Map<String, KeySettings.Key> byName = new LinkedHashMap<>();
        KeySettings.read(settings, config).forEach(k -> byName.put(k.name(), k));
        keys = byName;
    }

    public List<KeySettings.Key> all() {
        return List.copyOf(keys.values());
    }

    public boolean several() {
        return keys.size() > 1 || !keys.containsKey(KeySettings.DEFAULT);
    }

    public KeySettings.Key key(String name) {
        KeySettings.Key k = keys.get(name);
        if (k == null) {
            throw new IllegalStateException("No App Store Connect key named '" + name + "' is configured (asc.keys)");
        }
        return k;
    }

    /** The key of the walk (variable {@code ascKey}); the single key when the variable is unset. */
    public KeySettings.Key of(Exchange exchange) {
        String name = exchange.getVariable(VARIABLE, String.class);
        if (name == null) {
            if (keys.size() != 1) {
                throw new IllegalStateException("An App Store Connect call without the variable " + VARIABLE + ", with several keys configured");
            }
            return keys.values().iterator().next();
        }
        return key(name);
    }

    /** The key's token issuer; its credentials are read on first use, and a problem is one sentence naming the setting. */
    public TokenIssuer issuer(String name) {
        return issuers.computeIfAbsent(name, n -> {
            SyncConfig.Api api = config.api();
            return new TokenIssuer(key(n).credentials(), api.tokenLifetime(), api.tokenRefreshMargin(), Clock.systemUTC());
        });
    }

    /** Why no token can be made with the key (an unreadable or missing .p8, a missing setting), or empty. */
    public Optional<String> credentialsProblem(String name) {
        try {
            issuer(name).token();
            return Optional.empty();
        } catch (InvalidCredentialsException e) {
            return Optional.of(e.getMessage());
        }
    }

    public RateBudget budget(String name) {
        return budgets.computeIfAbsent(name, n -> rateBudget(key(n)));
    }

    /**
     * The budget of the key: its {@code callsPerWindow} calls in any rolling {@code asc.sync.rate-limit.window}, held
     * strictly when configured (else it yields to Apple's announced remainder); its state in the store under the key's
     * App Store Connect key id, the unit Apple counts by.
     */
    private RateBudget rateBudget(KeySettings.Key k) {
        SyncConfig.RateLimit limit = config.sync().rateLimit();
        // a service waits out a whole window and the margin after it (a used-up quota returns at most a window later)
        Duration maxWait = limit.maxWait().orElse(config.sync().mode() == SyncConfig.Mode.ONE_SHOT ? ONE_SHOT_MAX_WAIT : limit.window().multipliedBy(2));
        String key = k.name();
        RateBudget budget = new RateBudget(k.keyId().orElse(key), k.callsPerWindow(), k.budgetSet(), k.setting("rate-limit.calls-per-window"), limit.window(), limit.reserve(), maxWait,
                store);
        Gauge.builder("asc.api.budget.used", budget, RateBudget::used).tag("key", key)
                .description("API calls counted in the sync's current rate window").register(registry);
        Gauge.builder("asc.api.budget.limit", budget, RateBudget::budget).tag("key", key)
                .description("The sync's budget of API calls per rate window").register(registry);
        return budget;
    }

    /** The application is stopping (SIGTERM): a run waiting for the quota ends its wait now (no budget is made for it). */
    void stopping(@Observes BeforeStop event) {
        budgets.values().forEach(RateBudget::stop);
    }

    /** The budget of every key (created on first use). */
    public List<RateBudget> budgets() {
        return keys.keySet().stream().map(this::budget).toList();
    }

    /** The rate budget step of routes/asc-api.yaml: waits until the key's budget allows one more call. */
    public long[] acquire(Exchange exchange) {
        return budget(of(exchange).name()).acquire();
    }

    /** After the call, counted against the key's budget until a window after it ended. */
    public void done(Exchange exchange) {
        long[] ticket = exchange.getVariable(ApiCall.TICKET, long[].class);
        if (ticket != null) {
            budget(of(exchange).name()).done(ticket);
        }
    }

    /** The token step of routes/asc-api.yaml, with the key of the walk. */
    public String token(Exchange exchange) {
        return issuer(of(exchange).name()).token();
    }

    /** App Store Connect refused the key in this sync (401 after a fresh token): its other apps are not called. */
    public void refuse(String name, String why) {
        refused.putIfAbsent(name, why);
    }

    public Optional<String> refusal(String name) {
        return Optional.ofNullable(refused.get(name));
    }

    /** A new sync: refusals are forgotten. (Credentials that could not be read are read again at each use anyway.) */
    public void syncStarted() {
        refused.clear();
    }
}
