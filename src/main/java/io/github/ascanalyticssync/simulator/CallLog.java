package io.github.ascanalyticssync.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What the simulator served, for tests and benchmarks: API calls by endpoint, status and key; downloads by segment. */
public class CallLog {

    @RegisterForReflection
    public record CallCount(String endpoint, int status, String key, long count) {
    }

    @RegisterForReflection
    public record DownloadCount(String segmentId, long started, long completed, long faulted, long lastStartedAt) {
    }

    private record CallKey(String endpoint, int status, String key) {
    }

    private static final class Downloads {
        final AtomicLong started = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong faulted = new AtomicLong();
        volatile long lastStartedAt;
    }

    private final Map<CallKey, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Map<String, Downloads> downloads = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> filters = new ConcurrentHashMap<>();

    /** A call used a {@code filter[...]} parameter. */
    public void filter(String endpoint, String parameter) {
        filters.computeIfAbsent(endpoint + " " + parameter, k -> new AtomicLong()).incrementAndGet();
    }

    /** How many calls used each filter, as {@code "<endpoint> filter[...]"}. */
    public Map<String, Long> filters() {
        Map<String, Long> out = new TreeMap<>();
        filters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** {@code endpoint} is the OpenAPI operation id, or {@code unknown} for paths that match none. */
    public void call(String endpoint, int status, String key) {
        calls.computeIfAbsent(new CallKey(endpoint, status, key == null ? "-" : key), k -> new AtomicLong()).incrementAndGet();
    }

    public void downloadStarted(String segmentId) {
        Downloads d = downloads(segmentId);
        d.started.incrementAndGet();
        d.lastStartedAt = System.currentTimeMillis();
    }

    public void downloadCompleted(String segmentId) {
        downloads(segmentId).completed.incrementAndGet();
    }

    public void downloadFaulted(String segmentId) {
        downloads(segmentId).faulted.incrementAndGet();
    }

    private Downloads downloads(String segmentId) {
        return downloads.computeIfAbsent(segmentId, k -> new Downloads());
    }

    public List<CallCount> calls() {
        List<CallCount> out = new ArrayList<>();
        calls.forEach((k, v) -> out.add(new CallCount(k.endpoint(), k.status(), k.key(), v.get())));
        out.sort((a, b) -> (a.endpoint() + a.status() + a.key()).compareTo(b.endpoint() + b.status() + b.key()));
        return out;
    }

    /** Calls per endpoint, all statuses and keys together. */
    public Map<String, Long> totalsByEndpoint() {
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((k, v) -> out.merge(k.endpoint(), v.get(), Long::sum));
        return out;
    }

    public List<DownloadCount> downloads() {
        List<DownloadCount> out = new ArrayList<>();
        downloads.forEach((id, d) -> out.add(new DownloadCount(id, d.started.get(), d.completed.get(), d.faulted.get(), d.lastStartedAt)));
        out.sort((a, b) -> a.segmentId().compareTo(b.segmentId()));
        return out;
    }

    public void reset() {
        calls.clear();
        filters.clear();
        downloads.clear();
    }
}
