package io.github.ascanalyticssync.api;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.github.ascanalyticssync.api.RateBudget.Limit;

/** The sentences of one key's {@link RateBudget}: whose limit holds calls back, what Apple announces, what the user can do. */
final class BudgetWords {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    static final String NO_FURTHER_CALL = "this run starts no further API call and leaves the rest for the next run";

    private final String key;
    private final int budget;
    private final boolean strict;
    private final String setting;
    private final long window;
    private final int reserve;
    private final long maxWait;

    BudgetWords(String key, int budget, boolean strict, String setting, long window, int reserve, long maxWait) {
        this.key = key;
        this.budget = budget;
        this.strict = strict;
        this.setting = setting;
        this.window = window;
        this.reserve = reserve;
        this.maxWait = maxWait;
    }

    /** A limit that holds calls back longer than the maximum wait: no further call in this run. */
    String beyondMaxWait(Limit kind, long until, Long apple, Integer limit, Long retryAfter) {
        return sentence(whose(kind, retryAfter) + " until " + time(until) + ", longer than asc.sync.rate-limit.max-wait ("
                + human(Duration.ofMillis(maxWait)) + "): " + NO_FURTHER_CALL + figure(kind, apple, limit) + hint(kind, apple));
    }

    /** Calls spaced for Apple's quota near its end, the next later than the maximum wait: no further call in this run. */
    String pacedBeyondMaxWait(Long apple, Integer limit, long paceMs, long paced) {
        return sentence(quota() + " is near its end" + apple(apple, limit) + ": calls go " + paceMs + " ms apart, the next at " + time(paced)
                + ", later than asc.sync.rate-limit.max-wait (" + human(Duration.ofMillis(maxWait)) + ") allows: " + NO_FURTHER_CALL);
    }

    /** Apple's 429 again after the quota's pause: no further call in this run. */
    String againAfterPause(Long retryAfter) {
        return sentence(whose(Limit.APPLE_QUOTA, retryAfter) + ": Apple answered 429 again after the pause; " + NO_FURTHER_CALL);
    }

    /** What ended the run's calls, as the start of the sync's closing sentence. */
    String spent(Limit kind, Long apple, Integer limit, Long retryAfter) {
        return whose(kind, retryAfter) + figure(kind, apple, limit) + hint(kind, apple);
    }

    /** Whose limit and what it did, as the subject of a sentence: "the sync's own budget for key X is spent (...)". */
    String whose(Limit kind, Long retryAfter) {
        return switch (kind) {
            case OWN_BUDGET -> ownBudget() + " is spent (" + setting + "=" + budget + " calls per " + human(Duration.ofMillis(window)) + ")";
            case APPLE_QUOTA -> quota() + " is used up";
            case RETRY_AFTER -> quota() + " holds calls back (Apple answered 429 with Retry-After: " + (retryAfter == null ? "?" : retryAfter) + " s)";
        };
    }

    /** Whose limit: "the sync's own budget for key X" or "App Store Connect's quota for key X". */
    String subject(Limit kind) {
        return kind == Limit.OWN_BUDGET ? ownBudget() : quota();
    }

    private String ownBudget() {
        return "the sync's own budget for key " + key;
    }

    String quota() {
        return "App Store Connect's quota for key " + key;
    }

    /** Apple's last figure, after any limit but its used-up quota (whose figure is gone): "; App Store Connect announces ...". */
    String figure(Limit kind, Long apple, Integer limit) {
        return kind == Limit.APPLE_QUOTA ? "" : apple(apple, limit);
    }

    String apple(Long apple, Integer limit) {
        return apple == null || limit == null ? "" : "; App Store Connect announces " + Math.max(0, apple) + " of " + limit + " calls left";
    }

    /** For a configured own budget that ended the calls while Apple announces plenty: what the user can do. */
    String hint(Limit kind, Long apple) {
        return kind == Limit.OWN_BUDGET && strict && apple != null && apple > reserve
                ? " (raise " + setting + ", or leave it unset to let App Store Connect's figure decide)" : "";
    }

    /** The text with its first letter in upper case. */
    static String sentence(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A moment in epoch ms as "yyyy-MM-dd HH:mm:ss UTC". */
    static String time(long epochMs) {
        return TIME.format(Instant.ofEpochMilli(epochMs));
    }

    /** A duration as "1h", "30m", "0.5s". */
    static String human(Duration d) {
        return d.toString().substring(2).toLowerCase();
    }
}
