package io.github.ascanalyticssync.api;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jboss.logging.Logger;

/**
 * The sync's own share of the key's quota, shared by every route and worker: at most {@code budget} calls in any
 * rolling window (Apple counts a rolling hour per key), paced to one call per {@code window / limit} once Apple's
 * {@code X-Rate-Limit} remainder falls to the reserve, and paused until {@code Retry-After} after a 429 that names
 * one. The retry itself is Camel's redelivery; this only decides when the next call may go.
 *
 * <p>
 * Written here rather than taken from a token-bucket library: a bucket refilled per hour admits up to twice its size
 * in some rolling hour, and the budget must hold for every rolling hour.
 */
public class RateBudget {

    private static final Logger LOG = Logger.getLogger(RateBudget.class);

    private final int budget;
    private final long windowNanos;
    private final int reserve;
    /** Per call: when it ended (Long.MAX_VALUE while in flight). Counting by end time bounds what the server sees. */
    private final Deque<long[]> calls = new ArrayDeque<>();
    private long pausedUntil;
    private long paceNanos;
    private long lastCall;

    public RateBudget(int budget, Duration window, int reserve) {
        if (budget < 1) {
            throw new IllegalStateException("asc.sync.rate-limit.calls-per-window must be at least 1, not " + budget);
        }
        this.budget = budget;
        this.windowNanos = window.toNanos();
        this.reserve = reserve;
    }

    /**
     * Waits until one more call fits the budget, then counts it; the caller passes the returned ticket to
     * {@link #done(long[])} when the call has ended. A call counts until a full window after it ended, so that the
     * server, which sees it arrive earlier, never counts more than the budget in any window.
     */
    public long[] acquire() {
        synchronized (this) {
            while (true) {
                long now = System.nanoTime();
                calls.removeIf(c -> c[0] <= now - windowNanos);
                long wait = 0;
                if (calls.size() >= budget) {
                    long earliest = calls.stream().mapToLong(c -> c[0]).min().orElse(now);
                    wait = earliest == Long.MAX_VALUE ? 50_000_000L : earliest + windowNanos - now;
                }
                wait = Math.max(wait, pausedUntil - now);
                wait = Math.max(wait, lastCall + paceNanos - now);
                if (wait <= 0) {
                    long[] ticket = { Long.MAX_VALUE };
                    calls.addLast(ticket);
                    lastCall = now;
                    return ticket;
                }
                try {
                    long ms = Math.max(1, wait / 1_000_000);
                    wait(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AppStoreConnectException("rate budget", 0, "INTERRUPTED", "interrupted while waiting for the rate budget");
                }
            }
        }
    }

    /** Calls counted in the current window (in flight included). */
    public synchronized int used() {
        long now = System.nanoTime();
        calls.removeIf(c -> c[0] <= now - windowNanos);
        return calls.size();
    }

    public int budget() {
        return budget;
    }

    public synchronized void done(long[] ticket) {
        ticket[0] = System.nanoTime();
        notifyAll();
    }

    /** Apple's announced quota: below the reserve, calls are spread evenly over the window. */
    public synchronized void observe(Integer limit, Integer remaining) {
        if (limit == null || remaining == null || limit <= 0) {
            return;
        }
        long pace = remaining <= reserve ? windowNanos / limit : 0;
        if (pace != paceNanos && pace > 0) {
            LOG.warnf("App Store Connect quota low (%d of %d left): spacing calls %d ms apart", remaining, limit, pace / 1_000_000);
        }
        paceNanos = pace;
    }

    /** A 429: no call before {@code Retry-After} has passed, when Apple sent one. */
    public synchronized void rateLimited(Long retryAfterSeconds) {
        if (retryAfterSeconds != null && retryAfterSeconds > 0) {
            pausedUntil = Math.max(pausedUntil, System.nanoTime() + retryAfterSeconds * 1_000_000_000L);
            notifyAll();
        }
    }
}
