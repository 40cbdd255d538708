package io.github.ascanalyticssync.run;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.AppStoreConnectException;
import io.github.ascanalyticssync.api.RateBudget;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.observe.RunTally;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a sync left for the next run because a limit held its calls back longer than asc.sync.rate-limit.max-wait (the
 * sync's own budget, asc.sync.rate-limit.calls-per-window, or App Store Connect's quota for the key), or because the
 * application stopped: the calls the rate budget did not start, counted by what they would have listed, summed up in
 * one sentence at the end of the sync that names whose limit it was, instead of one error per report.
 */
// routes/error-handling.yaml calls it by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("quotaLeft")
public class QuotaLeft {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    /** What a refused call of each route would have listed. */
    private static final Map<String, String> WHAT = Map.of("asc-apps", "list of apps", "asc-requests", "app(s)", "asc-reports",
            "report request(s)", "asc-instances", "report(s)", "asc-segments", "instance(s)", "asc-segment", "segment(s)");

    @Inject
    RunTally tally;

    @Inject
    ApiKeys keys;

    @Inject
    SyncConfig config;

    private final Map<String, AtomicLong> left = new LinkedHashMap<>();
    private volatile boolean stopped;

    void syncStarted() {
        synchronized (left) {
            left.clear();
        }
        stopped = false;
        keys.budgets().forEach(RateBudget::syncStarted);
    }

    /**
     * Whether a 429 gets another try: not once the key's rate budget starts no call, else up to
     * asc.sync.rate-limit.retries.
     */
    public boolean retrying(Exchange exchange) {
        Integer redeliveries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Object e = exchange.getException() != null ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT);
        return !(e instanceof AppStoreConnectException.QuotaExhausted) && !budget(exchange).exhausted()
                && (redeliveries == null ? 0 : redeliveries) < config.sync().rateLimit().retries();
    }

    private RateBudget budget(Exchange exchange) {
        return keys.budget(keys.of(exchange).name());
    }

    /** A 429 that got no further try: left for the next run when the rate budget stopped the calls, else a failure. */
    public void failed(Exchange exchange) {
        if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof AppStoreConnectException.QuotaExhausted || budget(exchange).exhausted()) {
            left(exchange);
        } else {
            tally.walkFailed(exchange);
        }
    }

    /** A call the rate budget did not start: counted, not logged one by one (the budget said once why). */
    void left(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String what = WHAT.getOrDefault(String.valueOf(exchange.getProperty(Exchange.FAILURE_ROUTE_ID)), "listing(s)");
        synchronized (left) {
            left.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
        }
        if (e instanceof AppStoreConnectException.QuotaExhausted q && q.stopping()) {
            stopped = true;
        }
        tally.walkIncomplete(exchange);
    }

    /** Whether the quota, not a stop, left work for the next run (one-shot: exit code 3). */
    boolean usedUp() {
        synchronized (left) {
            return !left.isEmpty() && !stopped;
        }
    }

    /** The sync is over: the budgets' state for the next process, and the one sentence on what is left, or null. */
    String syncFinished() {
        List<RateBudget> budgets = keys.budgets();
        budgets.forEach(RateBudget::flush);
        StringJoiner what = new StringJoiner(", ");
        long calls;
        synchronized (left) {
            if (left.isEmpty()) {
                return null;
            }
            left.forEach((k, n) -> what.add(k.startsWith("list ") ? "the " + k : n.get() + " " + k));
            calls = left.values().stream().mapToLong(AtomicLong::get).sum();
        }
        if (stopped) {
            String waits = budgets.stream().map(RateBudget::stoppedWaiting).filter(Objects::nonNull).collect(Collectors.joining(" and "));
            // asked to stop (Ctrl+C, SIGTERM): the rate budget refuses every further call, which is nobody's quota
            return (waits.isEmpty() ? "Stopped before the end of the sync (the application was asked to stop)"
                    : "The application stopped while waiting for " + waits + " (it was asked to stop)")
                    + "; left for the next run: every report and instance this sync did not reach, among them " + what + " (at least " + calls
                    + " API call(s))";
        }
        // whose limit ended the calls, per key (a call is left without a stop only once a budget ended its key's calls);
        // the key whose calls return last says when the rest can be done
        List<RateBudget> spent = budgets.stream().filter(RateBudget::exhausted).toList();
        RateBudget budget = spent.stream().max(Comparator.comparing(b -> b.resumeAt() == null ? Instant.EPOCH : b.resumeAt())).orElseThrow();
        String whose = spent.stream().map(RateBudget::spent).collect(Collectors.joining("; "));
        Instant from = budget.resumeAt() == null ? Instant.now() : budget.resumeAt();
        int perWindow = budget.callsPerWindow();
        Instant done = from.plus(budget.window().multipliedBy((calls - 1) / perWindow));
        return Character.toUpperCase(whose.charAt(0)) + whose.substring(1) + "; left for the next run: " + what + " (at least " + calls
                + " API call(s)); at the current budget of " + perWindow + " calls per " + budget.window().toString().substring(2).toLowerCase()
                + " that can be done from " + TIME.format(done);
    }
}
