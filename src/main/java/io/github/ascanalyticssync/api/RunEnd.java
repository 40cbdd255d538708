package io.github.ascanalyticssync.api;

import java.time.Instant;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.RateBudget.Limit;

/**
 * Whether the run in flight starts no further call of one key's {@link RateBudget}, and whose limit ended them: a
 * limit returning later than the maximum wait, or a 429 again after the quota's pause. Said once, when it happens. Not
 * thread-safe: the budget calls it under its own lock.
 */
final class RunEnd {

    // its lines are the budget's
    private static final Logger LOG = Logger.getLogger(RateBudget.class);

    /** Whose limit ended the run's calls, or null while they go on. */
    Limit by;
    /** When that limit returns. */
    long until;
    /** When the quota was first gone in this run (a 429 that announced no calls left), or 0. */
    private long goneInRun;

    /** The run starts no further call: said once, with whose limit it was. */
    void exhaust(Limit kind, long until, String why) {
        if (by == null) {
            by = kind;
            this.until = until;
            LOG.warn(why);
        }
    }

    /** Whether the call that started then met the quota gone after it was gone before in this run (after the pause). */
    boolean goneAgain(long started) {
        return goneInRun > 0 && started >= goneInRun;
    }

    /** A 429 that announced no calls left: the quota is gone (the first time in this run counts). */
    void gone(long now) {
        goneInRun = goneInRun > 0 ? goneInRun : now;
    }

    /** A new sync: its calls go on until a limit ends them. */
    void syncStarted() {
        goneInRun = 0;
        by = null;
    }

    /** The refusal of the run's next call: the application stops, or a limit ended the run's calls (said once above). */
    AppStoreConnectException.QuotaExhausted refusal(String key, boolean stopping, Instant resumeAt) {
        return new AppStoreConnectException.QuotaExhausted(key, stopping ? "the application is stopping"
                : "no further API call in this run (" + (by == Limit.OWN_BUDGET ? "the sync's own budget" : "App Store Connect's quota")
                        + "; said once above)", resumeAt, stopping);
    }
}
