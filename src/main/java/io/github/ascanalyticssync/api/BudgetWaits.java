package io.github.ascanalyticssync.api;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.RateBudget.Limit;

/**
 * The calls of one key's {@link RateBudget} that wait, and what they wait for. Every wait is said once per episode
 * (one line, not one per call: the episode ends when a call goes without waiting), naming whose limit it is and until
 * when. Not thread-safe: the budget calls it under its own lock.
 */
final class BudgetWaits {

    // its lines are the budget's
    private static final Logger LOG = Logger.getLogger(RateBudget.class);

    private final BudgetWords words;
    private int waiters;
    private Limit waitingFor;
    private long waitingUntil;
    /** The limit the line of this episode named, or null. */
    private Limit announced;
    /** What the wait ended by the application's stop waited for (until {@link #waitingUntil}), or null. */
    private Limit stoppedWaitingFor;

    BudgetWaits(BudgetWords words) {
        this.words = words;
    }

    /** A call starts to wait, for the limit (null: for calls in flight or the spacing) until then. */
    void begin(Limit kind, long until) {
        waiters++;
        waitingFor = kind;
        waitingUntil = until;
    }

    /** A wait ended (the call may try again). */
    void end() {
        waiters--;
    }

    /** A call went without waiting: the next wait is a new episode. */
    void episodeOver() {
        announced = null;
    }

    /** A new sync: a new episode, and no wait ended by a stop. */
    void syncStarted() {
        announced = null;
        stoppedWaitingFor = null;
    }

    /** The application is stopping: the limit a call waits for now, if any, is what the stop ended. */
    void stopped() {
        if (waiters > 0 && waitingFor != null) {
            stoppedWaitingFor = waitingFor; // until waitingUntil: no wait starts once stopping
        }
    }

    /** The one line of a wait episode: whose limit, until when. */
    void say(Limit kind, long until, long now, Long appleLeft, AppleQuota apple) {
        if (kind == announced) {
            return;
        }
        announced = kind;
        String line = BudgetWords.sentence(words.whose(kind, apple.retryAfter) + ": API calls resume at " + BudgetWords.time(until) + " (in "
                + (until - now + 999) / 1000 + " s) by themselves" + words.figure(kind, appleLeft, apple.limit));
        if (kind == Limit.OWN_BUDGET) {
            LOG.info(line);
        } else {
            LOG.warn(line);
        }
    }

    /** What a wait ended by the stop waited for ("the sync's own budget for key X until T"), or null. */
    String stoppedWaiting() {
        return stoppedWaitingFor == null ? null : words.subject(stoppedWaitingFor) + " until " + BudgetWords.time(waitingUntil);
    }

    /** What a call waits for now ("the sync's own budget for key X until T"), or null when none waits for a limit. */
    String waiting(long now) {
        if (waiters == 0 || waitingFor == null || waitingUntil <= now) {
            return null;
        }
        return words.subject(waitingFor) + " until " + BudgetWords.time(waitingUntil);
    }
}
