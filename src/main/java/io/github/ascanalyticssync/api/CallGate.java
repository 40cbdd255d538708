package io.github.ascanalyticssync.api;

import io.github.ascanalyticssync.api.RateBudget.Limit;

/**
 * Whether the next call of one key's {@link RateBudget} may go, and if not, whose limit holds it back, until when and
 * how long it waits: Apple's quota or {@code Retry-After} pause ({@link AppleQuota}), the own budget over the calls of
 * the window ({@link CallWindow}), the spacing near the end of the quota, and calls in flight when the quota is near its
 * end or the first call after a pause goes alone. The own budget, unless configured ({@code strict}), yields to
 * Apple's figure: while Apple announces more calls left than the reserve, the own count does not hold a call back;
 * without a recent figure from Apple, or near the reserve, it holds. A configured budget always holds. Not thread-safe:
 * the budget calls it under its own lock.
 */
final class CallGate {

    private static final long POLL_MS = 50;

    /**
     * The next call: whose limit holds it back (null: none) and until when, how long it waits (none when 0 or less),
     * and, when the limit returns later than the maximum wait, the sentence that ends the run's calls (else null).
     */
    record Verdict(Limit kind, long until, long waitMs, String beyond) {
    }

    private final int budget;
    private final boolean strict;
    private final long window;
    private final int reserve;
    private final long maxWait;
    private final CallWindow calls;
    private final AppleQuota apple;
    private final BudgetWords words;

    CallGate(int budget, boolean strict, long window, int reserve, long maxWait, CallWindow calls, AppleQuota apple, BudgetWords words) {
        this.budget = budget;
        this.strict = strict;
        this.window = window;
        this.reserve = reserve;
        this.maxWait = maxWait;
        this.calls = calls;
        this.apple = apple;
        this.words = words;
    }

    /** Whether Apple's remainder is spent with no call in flight while the quota is not yet known gone: it is gone now. */
    boolean spentUnnoticed(long now, int inFlight) {
        Long appleLeft = apple.left(now);
        return appleLeft != null && appleLeft <= 0 && inFlight == 0 && apple.goneUntil <= now;
    }

    /** The next call, {@code counted} calls in the window, the last one started at {@code lastCall}, {@code inFlight} unanswered. */
    Verdict next(long now, int counted, long lastCall, int inFlight) {
        Long appleLeft = apple.left(now);
        long left = appleLeft == null ? Long.MAX_VALUE : appleLeft;
        // whose limit holds the call back, and until when
        AppleQuota.Hold hold = apple.holding(now);
        Limit kind = hold.kind();
        long until = hold.until();
        long wait = 0;
        if (counted >= budget && ownHolds(appleLeft)) {
            long earliest = calls.earliestEnd(now);
            if (earliest == CallWindow.IN_FLIGHT) {
                wait = POLL_MS; // every counted call still in flight: it frees a window after it ends
            } else if (earliest + window > until) {
                kind = Limit.OWN_BUDGET;
                until = earliest + window;
            }
        }
        // no call waits for a limit that returns later than the maximum wait from now
        if (kind != null && until - now > maxWait) {
            return new Verdict(kind, until, 0, words.beyondMaxWait(kind, until, appleLeft, apple.limit, apple.retryAfter));
        }
        long paceMs = apple.paceMs;
        long paced = lastCall + paceMs;
        if (paceMs > 0 && paced - now > maxWait) {
            // calls spaced for Apple's quota near its end (said once when the spacing began): bounded too
            return new Verdict(Limit.APPLE_QUOTA, paced, 0, words.pacedBeyondMaxWait(appleLeft, apple.limit, paceMs, paced));
        }
        if ((left <= 0 || left <= reserve || apple.probing) && inFlight > 0) {
            wait = Math.max(wait, POLL_MS);
        }
        wait = Math.max(wait, Math.max(until - now, paced - now));
        return new Verdict(kind, until, wait, null);
    }

    /** Whether the own count holds a call back: when configured, and otherwise unless Apple announces more than the reserve left. */
    private boolean ownHolds(Long appleLeft) {
        return strict || appleLeft == null || appleLeft <= reserve;
    }

    /** The sentence when Apple's pause or gone quota holds calls back longer than the maximum wait; else null. */
    String beyondMaxWait(AppleQuota.Hold hold, long now) {
        return hold.kind() != null && hold.until() - now > maxWait
                ? words.beyondMaxWait(hold.kind(), hold.until(), apple.left(now), apple.limit, apple.retryAfter) : null;
    }

    /**
     * When the gone quota returns: after {@code Retry-After}, or once the oldest tenth of this key's own calls in the
     * window has left it (when they were most of Apple's count), or else a whole window from now.
     */
    long goneUntil(long now, Long retryAfterSeconds) {
        long until = now + window;
        if (retryAfterSeconds != null && retryAfterSeconds > 0) {
            until = now + retryAfterSeconds * 1000;
        } else {
            Long tenth = calls.tenthEnded(now, apple.limit == null ? budget : apple.limit);
            if (tenth != null) {
                until = Math.max(now + 1000, tenth + window);
            }
        }
        return until;
    }

    /** Calls one window allows: a configured budget, or Apple's announced limit when smaller; an unconfigured budget yields to it. */
    int callsPerWindow() {
        Integer limit = apple.limit;
        return limit == null ? budget : strict ? Math.min(budget, limit) : limit;
    }

    /** What ended the run's calls, with Apple's last figure, as the start of the sync's closing sentence. */
    String spent(Limit by, long now) {
        return words.spent(by, apple.left(now), apple.limit, apple.retryAfter);
    }
}
