package io.github.ascanalyticssync.api;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.ledger.StateStore;

/**
 * One key's quota in the state store ({@link QuotaRecord}): what Apple announced, the end of the pause and the own
 * calls of the window, so that the next process (a CronJob run, another replica) takes them into account from its
 * first call. A hint only: a store that cannot be read or written does not stop a call.
 */
final class QuotaSharing {

    // its lines are the budget's
    private static final Logger LOG = Logger.getLogger(RateBudget.class);

    private static final long EVERY_MS = 5_000;

    private final String key;
    private final StateStore store;
    private final long bucket;
    private long lastStored;

    /** @param store null: this process only */
    QuotaSharing(String key, StateStore store, long window) {
        this.key = key;
        this.store = store;
        this.bucket = Math.max(1000, window / 60);
    }

    /** Takes what the store holds into Apple's figures and, when {@code withCalls} (at the start), into the calls of the window. */
    void load(AppleQuota apple, CallWindow calls, boolean withCalls) {
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
        apple.take(r, now);
        if (withCalls) {
            r.calls().forEach((end, n) -> calls.restore(end, n, now));
        }
    }

    /** Whether a call that ended then is a while after the last store (while calling, the quota is stored every few seconds). */
    boolean due(long ended) {
        return ended - lastStored >= EVERY_MS;
    }

    /** Stores Apple's figures and the calls of the window (per bucket of about a minute). */
    void store(AppleQuota apple, CallWindow calls) {
        if (store == null) {
            return;
        }
        long now = System.currentTimeMillis();
        lastStored = now;
        QuotaRecord record = apple.record(calls.buckets(now, bucket));
        try {
            store.put(QuotaRecord.key(key), record.format());
        } catch (RuntimeException e) {
            LOG.debugf("The quota of key %s cannot be stored: %s", key, e.getMessage());
        }
    }
}
