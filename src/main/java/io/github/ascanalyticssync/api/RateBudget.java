package io.github.ascanalyticssync.api;

import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.ledger.StateStore;

/**
 * One key's share of Apple's quota, shared by every route and worker, and by every process that shares the state
 * store. Two limits hold: the sync's own budget ({@code asc.sync.rate-limit.calls-per-window}, at most {@code budget}
 * calls of its own in any rolling window; Apple counts a rolling hour per key) and Apple's quota for the key (no more
 * calls than Apple's last {@code X-Rate-Limit} remainder allows, one call at a time and paced to one per
 * {@code window / limit} once that remainder falls to the reserve, no call while the quota is gone, none before a
 * {@code Retry-After}). The quota is gone after a 429 that announces no calls left (until {@code Retry-After}, or until
 * enough of the window has passed), or when the remainder is spent; the first call after such a pause goes alone, and
 * if it meets a 429 too, the run starts no further call.
 *
 * <p>
 * The own budget, unless configured ({@code strict}), yields to Apple's figure (see {@link CallGate}).
 *
 * <p>
 * Every wait is bounded and said: a call that would wait for a limit returning later than {@code maxWait} from now ends
 * the run's calls at once, with one line naming whose limit it is and until when ({@link RunEnd}); a shorter wait is
 * said once per episode ({@link BudgetWaits}). What Apple announced, the end of the pause and the own calls of the
 * window are kept in the state store ({@link QuotaSharing}), so the next process takes them into account from its
 * first call. Every wait ends at once when the application stops ({@link #stop()}). The retry itself is Camel's
 * redelivery; this only decides whether and when the next call may go.
 *
 * <p>
 * The calls of the window are kept by {@link CallWindow}, Apple's figures and pauses by {@link AppleQuota}; whether
 * and when a call may go is decided by {@link CallGate}, said in the words of {@link BudgetWords}. This class holds
 * them under one lock: the calls wait on it, and every answer wakes them.
 *
 * <p>
 * Written here rather than taken from a token-bucket library: a bucket refilled per hour admits up to twice its size
 * in some rolling hour, the budget must hold for every rolling hour, and it combines its own count with Apple's.
 */
public class RateBudget {

    /** Whose limit a call waits for. */
    public enum Limit {
        /** The sync's own budget, {@code asc.sync.rate-limit.calls-per-window}. */
        OWN_BUDGET,
        /** Apple's quota for the key is used up (its {@code X-Rate-Limit} remainder spent, or a 429 with none left). */
        APPLE_QUOTA,
        /** Apple answered 429 with a {@code Retry-After} while its quota still had calls left. */
        RETRY_AFTER
    }

    private static final Logger LOG = Logger.getLogger(RateBudget.class);
    /** A wait shorter than this is not worth a line (pacing, calls in flight). */
    private static final long SAY_MS = 1000;

    private final String key;
    private final int budget;
    private final long window;
    private final int reserve;
    private final CallWindow calls;
    private final AppleQuota apple;
    private final BudgetWords words;
    private final BudgetWaits waits;
    private final QuotaSharing sharing;
    private final CallGate gate;
    private int inFlight;
    private long lastCall;
    // the run in flight
    private final RunEnd run = new RunEnd();
    private volatile boolean stopping;

    /**
     * @param strict whether the budget was configured: it then holds even while Apple announces more calls left
     * @param setting the property the budget comes from, for the lines that name it
     * @param store where the quota is shared with the next process; null: this process only
     */
    public RateBudget(String key, int budget, boolean strict, String setting, Duration window, int reserve, Duration maxWait, StateStore store) {
        if (budget < 1) {
            throw new IllegalStateException(setting + " must be at least 1, not " + budget);
        }
        this.key = key;
        this.budget = budget;
        this.window = window.toMillis();
        this.reserve = reserve;
        this.calls = new CallWindow(this.window);
        this.apple = new AppleQuota(key, this.window, reserve);
        this.words = new BudgetWords(key, budget, strict, setting, this.window, reserve, maxWait.toMillis());
        this.waits = new BudgetWaits(words);
        this.sharing = new QuotaSharing(key, store, this.window);
        this.gate = new CallGate(budget, strict, this.window, reserve, maxWait.toMillis(), calls, apple, words);
        sharing.load(apple, calls, true);
    }

    /**
     * Waits until one more call may go, then counts it; the caller passes the returned ticket to {@link #done(long[])}
     * when the call has ended, and to {@link #answered} with its response. A call counts until a full window after it
     * ended, so that the server, which sees it arrive earlier, never counts more than the budget in any window.
     *
     * @throws AppStoreConnectException.QuotaExhausted when the run starts no further call (a limit holds the call back
     *         longer than the maximum wait, a 429 came again after the pause, or the application is stopping)
     */
    public synchronized long[] acquire() {
        boolean waited = false;
        while (true) {
            long now = System.currentTimeMillis();
            int counted = calls.expire(now);
            if (gate.spentUnnoticed(now, inFlight) && !stopping && run.by == null) {
                gone(now, null);
                continue;
            }
            AppStoreConnectException.QuotaExhausted refused = refusal(now);
            if (refused != null) {
                throw refused;
            }
            CallGate.Verdict next = gate.next(now, counted, lastCall, inFlight);
            if (next.beyond() != null) {
                run.exhaust(next.kind(), next.until(), next.beyond());
                throw refusal(now);
            }
            if (next.waitMs() <= 0) {
                long[] ticket = calls.start(now);
                inFlight++;
                apple.callStarted();
                lastCall = now;
                if (!waited) {
                    waits.episodeOver();
                }
                return ticket;
            }
            if (next.kind() != null) {
                waited = true;
                if (next.until() - now > SAY_MS) {
                    waits.say(next.kind(), next.until(), now, apple.left(now), apple);
                }
            }
            waits.begin(next.kind(), next.until());
            try {
                wait(Math.max(1, next.waitMs()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            } finally {
                waits.end();
            }
        }
    }

    /** The call of the ticket has ended (answered or not). */
    public synchronized void done(long[] ticket) {
        if (ticket != null && ticket[0] == CallWindow.IN_FLIGHT) {
            ticket[0] = System.currentTimeMillis();
            inFlight--;
        }
        notifyAll();
        if (ticket != null && sharing.due(ticket[0])) {
            persist();
        }
    }

    /**
     * Apple's answer to the call of the ticket: its {@code X-Rate-Limit} figures (when sent), and for a 429 its
     * {@code Retry-After}. A 429 that still announces calls left is a burst: a pause of {@code Retry-After}; one that
     * announces none (or no figure) means the quota is gone.
     */
    public synchronized void answered(long[] ticket, int status, Integer announcedLimit, Integer announcedRemaining, Long retryAfterSeconds) {
        long now = System.currentTimeMillis();
        if (apple.answered(status, announcedLimit, announcedRemaining, retryAfterSeconds, inFlight, now)) {
            if (ticket != null && run.goneAgain(ticket[1])) {
                run.exhaust(Limit.APPLE_QUOTA, now, words.againAfterPause(apple.retryAfter));
            }
            run.gone(now);
            gone(now, retryAfterSeconds);
        }
        notifyAll();
    }

    /** A new sync: what other processes stored meanwhile, and a fresh start for the run's own limits. */
    public synchronized void syncStarted() {
        sharing.load(apple, calls, false);
        run.syncStarted();
        waits.syncStarted();
    }

    /** The application is stopping: every wait ends now, and no further call starts. */
    public synchronized void stop() {
        if (!stopping) {
            waits.stopped();
        }
        stopping = true;
        notifyAll();
        persist();
    }

    /** Stores what the next process needs to know (at the end of a sync; otherwise every few seconds while calling). */
    public synchronized void flush() {
        persist();
    }

    /**
     * After a 429: the refusal the next call of this run would meet (the quota gone for longer than the maximum wait,
     * or a 429 again after the pause), or null when a retry may wait for it. Thrown in place of the 429 itself, so that
     * the call's first failure already says that no retry follows.
     */
    public synchronized AppStoreConnectException.QuotaExhausted refusal() {
        return refusal(System.currentTimeMillis());
    }

    /** The refusal of the run's next call (acquire's check, and {@link #refusal()}), or null when it may wait. */
    private AppStoreConnectException.QuotaExhausted refusal(long now) {
        AppleQuota.Hold hold = apple.holding(now);
        String beyond = run.by == null && !stopping ? gate.beyondMaxWait(hold, now) : null;
        if (beyond != null) {
            run.exhaust(hold.kind(), hold.until(), beyond);
        }
        return run.by == null && !stopping ? null : run.refusal(key, stopping, resumeAt());
    }

    /** Whether this run starts no further call because a limit (the own budget or Apple's quota) holds it back. */
    public synchronized boolean exhausted() {
        return run.by != null;
    }

    /**
     * What ended the run's calls, as the start of the sync's closing sentence: "App Store Connect's quota for key X is
     * used up" or "the sync's own budget for key X is spent (...)"; null when nothing did.
     */
    public synchronized String spent() {
        if (run.by == null) {
            return null;
        }
        return gate.spent(run.by, System.currentTimeMillis());
    }

    /** What a wait ended by {@link #stop()} waited for ("the sync's own budget for key X until T"), or null. */
    public synchronized String stoppedWaiting() {
        return waits.stoppedWaiting();
    }

    /** What a call waits for now ("the sync's own budget for key X until T"), or null when none waits for a limit. */
    public synchronized String waiting() {
        return waits.waiting(System.currentTimeMillis());
    }

    /** When calls can go again, or null when they can now. */
    public synchronized Instant resumeAt() {
        long until = apple.resume();
        if (run.by == Limit.OWN_BUDGET) {
            until = Math.max(until, run.until);
        }
        return until > System.currentTimeMillis() ? Instant.ofEpochMilli(until) : null;
    }

    /** Calls counted in the current window (in flight included). */
    public synchronized int used() {
        return calls.expire(System.currentTimeMillis());
    }

    public int budget() {
        return budget;
    }

    /**
     * Calls one window allows: a configured budget, or Apple's announced limit when smaller; an unconfigured budget
     * yields to Apple's announced limit.
     */
    public synchronized int callsPerWindow() {
        return gate.callsPerWindow();
    }

    /** Apple's last announced limit ({@code X-Rate-Limit}, calls per hour), or null before any was announced. */
    public synchronized Integer announcedLimit() {
        return apple.limit;
    }

    public int reserve() {
        return reserve;
    }

    public Duration window() {
        return Duration.ofMillis(window);
    }

    public String key() {
        return key;
    }

    /** The quota is gone (until {@link CallGate#goneUntil}), and the next process is told. */
    private void gone(long now, Long retryAfterSeconds) {
        apple.gone(gate.goneUntil(now, retryAfterSeconds));
        persist();
    }

    /** Stores what the next process needs to know (see {@link QuotaSharing}). */
    private void persist() {
        sharing.store(apple, calls);
    }
}
