package io.github.ascanalyticssync.api;

import java.util.Map;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.RateBudget.Limit;

/**
 * What App Store Connect said of one key's quota, as its {@link RateBudget} keeps it: the last {@code X-Rate-Limit}
 * figures and when, a {@code Retry-After} pause, the quota gone until a moment, and the spacing of calls near its end.
 * Not thread-safe: the budget calls it under its own lock.
 */
final class AppleQuota {

    // its lines are the budget's
    private static final Logger LOG = Logger.getLogger(RateBudget.class);

    /** A limit that holds calls back until a moment; kind null: none holds now. */
    record Hold(Limit kind, long until) {
    }

    private final String key;
    private final long window;
    private final int reserve;
    /** Apple's announced limit, or null before any. */
    Integer limit;
    private Integer remaining;
    private long observed;
    private int startedSince;
    private long pausedUntil;
    /** The last Retry-After of a 429 that still announced calls left, in seconds. */
    Long retryAfter;
    long goneUntil;
    /** The first call after the quota was gone goes alone. */
    boolean probing;
    /** How far apart calls go near the end of the quota; 0: not spaced. */
    long paceMs;
    private long pacedSaid;

    AppleQuota(String key, long window, int reserve) {
        this.key = key;
        this.window = window;
        this.reserve = reserve;
    }

    /** Calls left by Apple's last figure (minus those started since), or null without a figure of this window. */
    Long left(long now) {
        return remaining == null || now - observed >= window ? null : (long) remaining - startedSince;
    }

    /** A call started since Apple's last figure. */
    void callStarted() {
        startedSince++;
    }

    /** The Retry-After pause or the quota gone, whichever holds calls back longer, and until when; kind null when neither does. */
    Hold holding(long now) {
        long until = resume();
        return until <= now ? new Hold(null, now) : new Hold(goneUntil >= pausedUntil ? Limit.APPLE_QUOTA : Limit.RETRY_AFTER, until);
    }

    /** When the pause or the gone quota ends (in the past when neither holds). */
    long resume() {
        return Math.max(pausedUntil, goneUntil);
    }

    /**
     * Apple's answer to a call: its {@code X-Rate-Limit} figures (when sent), and for a 429 its {@code Retry-After}. A
     * 429 that still announces calls left is a burst: a pause of {@code Retry-After}; a success ends the lone call after
     * a pause. Returns whether the quota is gone: a 429 that announces no calls left (or no figure).
     */
    boolean answered(int status, Integer announcedLimit, Integer announcedRemaining, Long retryAfterSeconds, int inFlight, long now) {
        if (announcedLimit != null && announcedRemaining != null && announcedLimit > 0) {
            announced(status, announcedLimit, announcedRemaining, inFlight, now);
        }
        if (status >= 200 && status < 300) {
            probing = false;
        } else if (status == 429) {
            if (announcedRemaining == null || announcedRemaining <= 0) {
                return true;
            }
            if (retryAfterSeconds != null && retryAfterSeconds > 0) {
                pause(retryAfterSeconds, now);
            }
        }
        return false;
    }

    /**
     * The {@code X-Rate-Limit} figures of an answer: the limit always, the remainder unless it is a 429; near the
     * reserve the calls are spaced to one per {@code window / limit}, said once per stretch.
     */
    private void announced(int status, int announcedLimit, int announcedRemaining, int inFlight, long now) {
        limit = announcedLimit;
        if (status != 429) {
            remaining = announcedRemaining;
            observed = now;
            startedSince = Math.max(0, inFlight - 1);
            long pace = announcedRemaining <= reserve ? window / announcedLimit : 0;
            // once per stretch near the end: answers that arrive out of order make the figure flap around the reserve
            if (paceMs == 0 && pace > 0 && now - pacedSaid >= Math.min(window, 60_000)) {
                pacedSaid = now;
                LOG.warnf("App Store Connect's quota for key %s is near its end (%d of %d calls left, asc.sync.rate-limit.reserve=%d): calls go"
                        + " one at a time, %d ms apart, from %s, until Apple announces more than the reserve left", key, announcedRemaining,
                        announcedLimit, reserve, pace, BudgetWords.time(now));
            }
            paceMs = pace;
        }
    }

    /** A 429 that still announces calls left: a burst, paused for its Retry-After. */
    private void pause(long retryAfterSeconds, long now) {
        retryAfter = retryAfterSeconds;
        pausedUntil = Math.max(pausedUntil, now + retryAfterSeconds * 1000);
    }

    /** The quota is gone until then: no figure left, and the first call after goes alone. */
    void gone(long until) {
        goneUntil = Math.max(goneUntil, until);
        remaining = null;
        probing = true;
    }

    /** What another process stored: a newer figure of this window, and a later end of the gone quota. */
    void take(QuotaRecord r, long now) {
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
    }

    /** What the state store keeps of it, with the budget's own calls per bucket. */
    QuotaRecord record(Map<Long, Integer> calls) {
        return new QuotaRecord(limit, remaining, observed, goneUntil, calls);
    }
}
