package io.github.ascanalyticssync.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** API calls by endpoint and status, and the quota App Store Connect last announced in {@code X-Rate-Limit}. */
@ApplicationScoped
public class ApiStats {

    private static final Pattern LIMIT = Pattern.compile("user-hour-lim:(\\d+)");
    private static final Pattern REMAINING = Pattern.compile("user-hour-rem:(\\d+)");

    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private volatile Integer limit;
    private volatile Integer remaining;
    private volatile LocalDate serverToday;
    /** App Store Connect's time at its last response, and the local monotonic clock (nanoseconds) then. */
    private volatile ServerTime serverTime;

    private record ServerTime(Instant at, long nanos, Instant received) {
    }

    @Inject
    MeterRegistry registry;

    @PostConstruct
    void gauges() {
        Gauge.builder("asc.api.rate.limit.remaining", this, s -> s.remaining == null ? Double.NaN : s.remaining)
                .description("Calls left in Apple's rolling hour, as its X-Rate-Limit header last said").register(registry);
        Gauge.builder("asc.api.rate.limit", this, s -> s.limit == null ? Double.NaN : s.limit)
                .description("Apple's hourly call limit for the key, as its X-Rate-Limit header last said").register(registry);
    }

    /** @param figures {limit, remaining} of the response's {@code X-Rate-Limit} ({@link #figures}), or null */
    void record(String endpoint, int status, int[] figures, String dateHeader) {
        registry.counter("asc.api.calls", "endpoint", endpoint, "status", Integer.toString(status)).increment();
        if (dateHeader != null) {
            try {
                ZonedDateTime date = ZonedDateTime.parse(dateHeader, DateTimeFormatter.RFC_1123_DATE_TIME).withZoneSameInstant(ZoneOffset.UTC);
                serverToday = date.toLocalDate();
                serverTime = new ServerTime(date.toInstant(), System.nanoTime(), Instant.now());
            } catch (DateTimeParseException e) {
                // a malformed Date header leaves the last good one (or the local clock) in charge
            }
        }
        calls.computeIfAbsent(endpoint + " " + status, k -> new AtomicLong()).incrementAndGet();
        if (figures != null) {
            limit = figures[0];
            remaining = figures[1];
        }
    }

    /** {limit, remaining} from an {@code X-Rate-Limit} header, or null when it has not both. */
    static int[] figures(String rateLimitHeader) {
        if (rateLimitHeader == null) {
            return null;
        }
        Matcher l = LIMIT.matcher(rateLimitHeader);
        Matcher r = REMAINING.matcher(rateLimitHeader);
        try {
            return l.find() && r.find() ? new int[] { Integer.parseInt(l.group(1)), Integer.parseInt(r.group(1)) } : null;
        } catch (NumberFormatException e) {
            return null;
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

    /**
     * Today (UTC) by App Store Connect's clock, from the {@code Date} header of its last response; the local clock
     * before the first response. Processing dates are compared with this, so a skewed local clock cannot hide a day.
     */
    public LocalDate serverToday() {
        LocalDate d = serverToday;
        return d != null ? d : LocalDate.now(ZoneOffset.UTC);
    }

    /**
     * Now by App Store Connect's clock: the {@code Date} of its last response plus the time since; the local clock
     * before the first response. When a report's instances are listed depends on the hour of this.
     */
    public Instant serverNow() {
        ServerTime t = serverTime;
        return t != null ? t.at().plusNanos(System.nanoTime() - t.nanos()) : Instant.now();
    }

    /** When (local clock) the last response with a {@code Date} header arrived; null before the first. */
    public Instant lastDateReceived() {
        ServerTime t = serverTime;
        return t == null ? null : t.received();
    }
}
