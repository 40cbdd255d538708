package io.github.ascanalyticssync.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apple's per-key quota over a rolling hour (asc.simulator.rate-limit.window): every admitted call counts, {@code X-Rate-Limit} tells the remainder,
 * and a call over the limit is refused with 429 without counting.
 */
public class RateLimiter {

    /** The state of one key's window after a call: {@code remaining} is what the header announces. */
    public record Window(int limit, int remaining, boolean admitted) {
        public String header() {
            return "user-hour-lim:" + limit + ";user-hour-rem:" + remaining + ";";
        }
    }

    private static final class KeyWindow {
        final Deque<Long> calls = new ArrayDeque<>();
        int maxInWindow;
    }

    private final Map<String, KeyWindow> windows = new ConcurrentHashMap<>();
    private volatile int limit;
    private final long windowMillis;

    public RateLimiter(SimulatorConfig config) {
        this.limit = config.rateLimit().perHour();
        this.windowMillis = config.rateLimit().window().toMillis();
    }

    public Window admit(String keyId) {
        KeyWindow w = windows.computeIfAbsent(keyId, k -> new KeyWindow());
        long now = System.currentTimeMillis();
        synchronized (w) {
            while (!w.calls.isEmpty() && w.calls.peekFirst() <= now - windowMillis) {
                w.calls.pollFirst();
            }
            if (w.calls.size() >= limit) {
                return new Window(limit, 0, false);
            }
            w.calls.addLast(now);
            w.maxInWindow = Math.max(w.maxInWindow, w.calls.size());
            return new Window(limit, limit - w.calls.size(), true);
        }
    }

    /** Per key: calls in the current rolling hour and the most ever seen in one rolling hour. */
    public Map<String, Map<String, Integer>> snapshot() {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        windows.forEach((key, w) -> {
            synchronized (w) {
                long inWindow = w.calls.stream().filter(t -> t > now - windowMillis).count();
                out.put(key, Map.of("limit", limit, "inWindow", (int) inWindow, "remaining", Math.max(0, limit - (int) inWindow),
                        "maxInWindow", w.maxInWindow));
            }
        });
        return out;
    }

    public int limit() {
        return limit;
    }

    /** Changes the hourly limit at run time (tests of small budgets). */
    public void setLimit(int limit) {
        this.limit = limit;
    }

    public void reset() {
        windows.clear();
    }
}
