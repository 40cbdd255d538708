package io.github.ascanalyticssync.api;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

/** API calls by endpoint and status, and the quota App Store Connect last announced in {@code X-Rate-Limit}. */
@ApplicationScoped
public class ApiStats {

    private static final Pattern LIMIT = Pattern.compile("user-hour-lim:(\\d+)");
    private static final Pattern REMAINING = Pattern.compile("user-hour-rem:(\\d+)");

    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private volatile Integer limit;
    private volatile Integer remaining;

    void record(String endpoint, int status, String rateLimitHeader) {
        calls.computeIfAbsent(endpoint + " " + status, k -> new AtomicLong()).incrementAndGet();
        if (rateLimitHeader != null) {
            Matcher l = LIMIT.matcher(rateLimitHeader);
            Matcher r = REMAINING.matcher(rateLimitHeader);
            if (l.find() && r.find()) {
                limit = Integer.valueOf(l.group(1));
                remaining = Integer.valueOf(r.group(1));
            }
        }
    }

    /** Calls by endpoint, all statuses together. */
    public Map<String, Long> callsByEndpoint() {
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((k, v) -> out.merge(k.substring(0, k.lastIndexOf(' ')), v.get(), Long::sum));
        return out;
    }

    public Integer limit() {
        return limit;
    }

    public Integer remaining() {
        return remaining;
    }
}
