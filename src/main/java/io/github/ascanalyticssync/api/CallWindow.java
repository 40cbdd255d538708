package io.github.ascanalyticssync.api;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

/**
 * The calls of one key's {@link RateBudget} in the rolling window: each counts until a full window after it ended. A
 * call is its ticket, {when it ended (Long.MAX_VALUE while in flight), when it started}, in epoch ms. Not thread-safe:
 * the budget calls it under its own lock.
 */
final class CallWindow {

    /** A ticket's end while its call is in flight. */
    static final long IN_FLIGHT = Long.MAX_VALUE;

    private final long window;
    private final Deque<long[]> calls = new ArrayDeque<>();

    CallWindow(long window) {
        this.window = window;
    }

    /** Forgets the calls that ended a full window before now; returns how many still count (in flight included). */
    int expire(long now) {
        calls.removeIf(c -> c[0] <= now - window);
        return calls.size();
    }

    int size() {
        return calls.size();
    }

    /** The earliest end of the counted calls (IN_FLIGHT when every one is in flight), or now when none counts. */
    long earliestEnd(long now) {
        return calls.stream().mapToLong(c -> c[0]).min().orElse(now);
    }

    /** A call starts now: its ticket, counted from now on. */
    long[] start(long now) {
        long[] ticket = { IN_FLIGHT, now };
        calls.addLast(ticket);
        return ticket;
    }

    /** A call another process made, read from the state store: it ended at {@code end}; none counts once a window old. */
    void restore(long end, int n, long now) {
        for (int i = 0; i < n && end > now - window; i++) {
            calls.addLast(new long[] { end, end });
        }
    }

    /**
     * When the oldest tenth of the quota's calls ended (a call in flight: now), or null when the counted calls are
     * fewer than half the quota (then they were not most of Apple's count).
     */
    Long tenthEnded(long now, int quota) {
        long[] ends = calls.stream().mapToLong(c -> c[0] == IN_FLIGHT ? now : c[0]).sorted().toArray();
        if (ends.length >= quota / 2 && ends.length > 0) {
            return ends[Math.min(ends.length, Math.max(1, quota / 10)) - 1];
        }
        return null;
    }

    /** The counted calls per bucket of {@code bucket} ms (keyed by the bucket's end; a call in flight: now), for the state store. */
    Map<Long, Integer> buckets(long now, long bucket) {
        Map<Long, Integer> buckets = new TreeMap<>();
        calls.forEach(c -> buckets.merge(((c[0] == IN_FLIGHT ? now : c[0]) / bucket + 1) * bucket, 1, Integer::sum));
        return buckets;
    }
}
