package io.github.ascanalyticssync.api;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.ledger.StateStore;

/**
 * One key's share of Apple's quota, shared by every route and worker, and by every process that shares the state
 * store: at most {@code budget} calls of its own in any rolling window (Apple counts a rolling hour per key), no more
 * calls than Apple's last {@code X-Rate-Limit} remainder allows, one call at a time and paced to one per
 * {@code window / limit} once that remainder falls to the reserve, and no call while the quota is gone. The quota is
 * gone after a 429 that announces no calls left (until {@code Retry-After}, or until enough of the window has passed),
 * or when the remainder is spent; the first call after such a pause goes alone, and if it meets a 429 too, the run
 * starts no further call. A pause longer than {@code maxWait} ends the run's calls at once. What Apple announced, the
 * end of the pause and the own calls of the window are kept in the state store ({@link QuotaRecord}), so the next
 * process takes them into account from its first call. Every wait ends at once when the application stops
 * ({@link #stop()}). The retry itself is Camel's redelivery; this only decides whether and when the next call may go.
 *
 * <p>
 * Written here rather than taken from a token-bucket library: a bucket refilled per hour admits up to twice its size
 * in some rolling hour, the budget must hold for every rolling hour, and it combines its own count with Apple's.
 */
public class RateBudget {

    private static final Logger LOG = Logger.getLogger(RateBudget.class);
    private static final long POLL_MS = 50;
    private static final long PERSIST_EVERY_MS = 5_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final String key;
    private final int budget;
    private final long window;
    private final int reserve;
    private final long maxWait;
    private final StateStore store;
    /** Per call: {when it ended (Long.MAX_VALUE while in flight), when it started}, in epoch ms. */
    private final Deque<long[]> calls = new ArrayDeque<>();
    private Integer limit;
    private Integer remaining;
    private long observed;
    private int startedSince;
    private int inFlight;
    private long pausedUntil;
    private long goneUntil;
    private boolean probing;
    private long paceMs;
    private long lastCall;
    private long lastPersist;
    // the run in flight
    private long goneInRun;
    private String exhausted;
    private boolean announced;
    private volatile boolean stopping;

    /** @param store where the quota is shared with the next process; null: this process only */
    public RateBudget(String key, int budget, Duration window, int reserve, Duration maxWait, StateStore store) {
        if (budget < 1) {
            throw new IllegalStateException("asc.sync.rate-limit.calls-per-window must be at least 1, not " + budget);
        }
        this.key = key;
        this.budget = budget;
        this.window = window.toMillis();
        this.reserve = reserve;
        this.maxWait = maxWait.toMillis();
        this.store = store;
        load(true);
    }

    /**
     * Waits until one more call may go, then counts it; the caller passes the returned ticket to {@link #done(long[])}
     * when the call has ended, and to {@link #answered} with its response. A call counts until a full window after it
     * ended, so that the server, which sees it arrive earlier, never counts more than the budget in any window.
     *
     * @throws AppStoreConnectException.QuotaExhausted when the run starts no further call (the quota is gone for
     *         longer than the maximum wait, a 429 came again after the pause, or the application is stopping)
     */
    public synchronized long[] acquire() {
        while (true) {
            long now = System.currentTimeMillis();
            calls.removeIf(c -> c[0] <= now - window);
            long wait = 0;
            if (calls.size() >= budget) {
                long earliest = calls.stream().mapToLong(c -> c[0]).min().orElse(now);
                wait = earliest == Long.MAX_VALUE ? POLL_MS : earliest + window - now;
            }
            long left = remaining == null || now - observed >= window ? Long.MAX_VALUE : remaining - startedSince;
            if (left <= 0 && inFlight == 0 && goneUntil <= now && !stopping && exhausted == null) {
                gone(now, null);
                continue;
            }
            AppStoreConnectException.QuotaExhausted refused = refusal(now);
            if (refused != null) {
                throw refused;
            }
            if ((left <= 0 || left <= reserve || probing) && inFlight > 0) {
                wait = Math.max(wait, POLL_MS);
            }
            long pause = Math.max(pausedUntil, goneUntil) - now;
            if (pause > 1000 && !announced) {
                announced = true;
                LOG.warnf("App Store Connect's quota for key %s is used up: API calls resume at %s (in %d s) by themselves", key,
                        TIME.format(Instant.ofEpochMilli(now + pause)), (pause + 999) / 1000);
            }
            wait = Math.max(wait, Math.max(pause, lastCall + paceMs - now));
            if (wait <= 0) {
                long[] ticket = { Long.MAX_VALUE, now };
                calls.addLast(ticket);
                inFlight++;
                startedSince++;
                lastCall = now;
                return ticket;
            }
            try {
                wait(Math.max(1, wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }

    /** The call of the ticket has ended (answered or not). */
    public synchronized void done(long[] ticket) {
        if (ticket != null && ticket[0] == Long.MAX_VALUE) {
            ticket[0] = System.currentTimeMillis();
            inFlight--;
        }
        notifyAll();
        if (ticket != null && ticket[0] - lastPersist >= PERSIST_EVERY_MS) {
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
        if (announcedLimit != null && announcedRemaining != null && announcedLimit > 0) {
            limit = announcedLimit;
            if (status != 429) {
                remaining = announcedRemaining;
                observed = now;
                startedSince = Math.max(0, inFlight - 1);
                long pace = announcedRemaining <= reserve ? window / announcedLimit : 0;
                if (pace != paceMs && pace > 0) {
                    LOG.warnf("App Store Connect quota low (%d of %d left): spacing calls %d ms apart", announcedRemaining, announcedLimit, pace);
                }
                paceMs = pace;
            }
        }
        if (status >= 200 && status < 300) {
            probing = false;
        } else if (status == 429) {
            if (announcedRemaining != null && announcedRemaining > 0) {
                if (retryAfterSeconds != null && retryAfterSeconds > 0) {
                    pausedUntil = Math.max(pausedUntil, now + retryAfterSeconds * 1000);
                }
            } else {
                if (goneInRun > 0 && ticket != null && ticket[1] >= goneInRun) {
                    exhaust("App Store Connect answered 429 again after the pause: this run starts no further API call for key " + key
                            + " and leaves the rest for the next run");
                }
                goneInRun = goneInRun > 0 ? goneInRun : now;
                gone(now, retryAfterSeconds);
            }
        }
        notifyAll();
    }

    /** A new sync: what other processes stored meanwhile, and a fresh start for the run's own limits. */
    public synchronized void syncStarted() {
        load(false);
        goneInRun = 0;
        exhausted = null;
        announced = false;
    }

    /** The application is stopping: every wait ends now, and no further call starts. */
    public synchronized void stop() {
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
        long pause = Math.max(pausedUntil, goneUntil) - now;
        if (pause > maxWait) {
            exhaustBeyondMaxWait(now, pause);
        }
        return exhausted == null && !stopping ? null
                : new AppStoreConnectException.QuotaExhausted(key, stopping ? "the application is stopping" : exhausted, resumeAt(), stopping);
    }

    private void exhaustBeyondMaxWait(long now, long pause) {
        exhaust("App Store Connect's quota for key " + key + " is used up until " + TIME.format(Instant.ofEpochMilli(now + pause))
                + ", longer than asc.sync.rate-limit.max-wait (" + Duration.ofMillis(maxWait).toString().substring(2).toLowerCase()
                + "): this run starts no further API call and leaves the rest for the next run");
    }

    /** Whether this run starts no further call because the quota is used up. */
    public synchronized boolean exhausted() {
        return exhausted != null;
    }

    /** When calls can go again, or null when they can now. */
    public synchronized Instant resumeAt() {
        long until = Math.max(pausedUntil, goneUntil);
        return until > System.currentTimeMillis() ? Instant.ofEpochMilli(until) : null;
    }

    /** Calls counted in the current window (in flight included). */
    public synchronized int used() {
        long now = System.currentTimeMillis();
        calls.removeIf(c -> c[0] <= now - window);
        return calls.size();
    }

    public int budget() {
        return budget;
    }

    /** Calls one window allows: the budget, or Apple's announced limit when smaller. */
    public synchronized int callsPerWindow() {
        return limit == null ? budget : Math.min(budget, limit);
    }

    /** Apple's last announced limit ({@code X-Rate-Limit}, calls per hour), or null before any was announced. */
    public synchronized Integer announcedLimit() {
        return limit;
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

    private void exhaust(String why) {
        if (exhausted == null) {
            exhausted = why;
            LOG.warn(why);
        }
    }

    /**
     * The quota is gone: no call before {@code Retry-After}, or before the oldest tenth of this key's own calls in the
     * window has left it (when they were most of Apple's count), or else a whole window from now.
     */
    private void gone(long now, Long retryAfterSeconds) {
        long until = now + window;
        if (retryAfterSeconds != null && retryAfterSeconds > 0) {
            until = now + retryAfterSeconds * 1000;
        } else {
            int quota = limit == null ? budget : limit;
            long[] ends = calls.stream().mapToLong(c -> c[0] == Long.MAX_VALUE ? now : c[0]).sorted().toArray();
            if (ends.length >= quota / 2 && ends.length > 0) {
                until = Math.max(now + 1000, ends[Math.min(ends.length, Math.max(1, quota / 10)) - 1] + window);
            }
        }
        goneUntil = Math.max(goneUntil, until);
        remaining = null;
        probing = true;
        persist();
    }

    private void load(boolean withCalls) {
        if (store == null) {
            return;
        }
        QuotaRecord r;
        try {
            r = QuotaRecord.parse(store.get(QuotaRecord.key(key)).orElse(null));
        } catch (RuntimeException e) {
            LOG.debugf("The stored quota of key %s cannot be read: %s", key, e.getMessage());
            return;
        }
        long now = System.currentTimeMillis();
        if (r.remaining() != null && r.observed() > observed && now - r.observed() < window) {
            limit = r.limit();
            remaining = r.remaining();
            observed = r.observed();
            startedSince = 0;
        }
        if (r.resume() > goneUntil && r.resume() > now) {
            goneUntil = r.resume();
            probing = true;
        }
        if (withCalls) {
            r.calls().forEach((end, n) -> {
                for (int i = 0; i < n && end > now - window; i++) {
                    calls.addLast(new long[] { end, end });
                }
            });
        }
    }

    /** The quota is a hint for the next process: a state store that cannot take it does not stop a call. */
    private void persist() {
        if (store == null) {
            return;
        }
        long now = System.currentTimeMillis();
        lastPersist = now;
        long bucket = Math.max(1000, window / 60);
        Map<Long, Integer> buckets = new TreeMap<>();
        calls.forEach(c -> buckets.merge(((c[0] == Long.MAX_VALUE ? now : c[0]) / bucket + 1) * bucket, 1, Integer::sum));
        try {
            store.put(QuotaRecord.key(key), new QuotaRecord(limit, remaining, observed, goneUntil, buckets).format());
        } catch (RuntimeException e) {
            LOG.debugf("The quota of key %s cannot be stored: %s", key, e.getMessage());
        }
    }
}
