package io.github.ascanalyticssync.walk;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * When a report's instances are worth listing (the rule, without state or I/O). Apple creates an instance on its
 * processing date ({@link ReportCalendar}): DAILY every day, WEEKLY on Fridays, MONTHLY on the 5th, at some hour of
 * that day (sometimes a day late, sometimes never). A report is listed when
 * <ul>
 * <li>it was never listed, or something it listed is not yet everywhere ({@code pending});</li>
 * <li>the instance of today's or yesterday's processing date of a selected granularity was not seen yet, and
 * <ul>
 * <li>the key has calls to spare: every {@code gap} (the key's listing gap, {@link ListingBudget}; at every sync when
 * the spare quota is large), from an hour before the earliest hour its instances appeared on recent days (from
 * midnight until that was seen on three days);</li>
 * <li>or at the floor probe hours of the day, whatever the spare: the latest hour its instances appeared on recent
 * days (the configured probe hours while unknown) and the day's last hour ({@link #probeHours});</li>
 * </ul></li>
 * <li>an older scheduled date within the look-back window was not seen (published late, or skipped): once a day, at
 * the last probe hour, when the report was not listed that day anyway.</li>
 * </ul>
 * A probe hour counts once: the report is due when the latest probe moment up to now is after its last listing.
 *
 * @param listedAt when the report was last listed (App Store Connect's clock)
 * @param hours the hours (UTC) its instances appeared on recent days, learned from the listings, oldest first (at
 *        most {@link #HOURS_KEPT}); empty while unknown
 * @param pending something listed last time did not reach every destination
 * @param seen per granularity, the processing dates seen delivered, within the look-back window
 */
public record ListingPlan(Instant listedAt, List<Integer> hours, boolean pending, Map<String, TreeSet<LocalDate>> seen) {

    static final int LAST_HOUR = 23;
    /** How many recent days' hours are kept. */
    static final int HOURS_KEPT = 7;
    /** How many days' hours bound the listings (one day's hour says little about the next day's). */
    static final int HOURS_USED = 3;
    /** A listing gap is met this much early at most (syncs do not start on the second). */
    private static final Duration SLACK = Duration.ofMinutes(15);

    /** Whether the report is to be listed now, with the key's listing gap (null: no calls to spare, floor probes only). */
    boolean due(Collection<String> granularities, Instant now, int lookbackDays, int[] unknownHourProbes, Duration gap) {
        if (listedAt == null || pending) {
            return true;
        }
        LocalDate current = current(granularities, now);
        if (current != null) {
            // only the probes since that date's day began: yesterday's last one is not spent on today's date
            Instant probe = latestProbe(now, probeHours(latestHour(), unknownHourProbes));
            if (!probe.isBefore(at(current, 0)) && listedAt.isBefore(probe)) {
                return true;
            }
            Instant start = windowStart(current);
            if (gap == null || now.isBefore(start)) {
                return false;
            }
            if (windowHour() > 0 && listedAt.isBefore(start)) {
                return true; // the first listing from the hour its instances appear
            }
            Instant base = listedAt.isAfter(start) ? listedAt : start;
            Duration slack = gap.dividedBy(4).compareTo(SLACK) < 0 ? gap.dividedBy(4) : SLACK;
            return !now.isBefore(base.plus(gap).minus(slack));
        }
        // a late or skipped older date: once a day, at the last hour, unless the report was listed that day anyway
        // (each listing asks for the look-back window's dates too)
        Instant recheck = latestProbe(now, new int[] { LAST_HOUR });
        return older(granularities, now, lookbackDays) && day(listedAt).isBefore(day(recheck));
    }

    /** Whether a new instance of today's or yesterday's date is awaited now (its day's window has begun, not seen). */
    boolean awaiting(Collection<String> granularities, Instant now) {
        if (listedAt == null) {
            return true;
        }
        LocalDate current = current(granularities, now);
        return current != null && !now.isBefore(windowStart(current));
    }

    /** The oldest of today's and yesterday's scheduled dates not seen, or null. */
    private LocalDate current(Collection<String> granularities, Instant now) {
        LocalDate today = day(now);
        LocalDate current = null;
        for (String g : granularities) {
            TreeSet<LocalDate> dates = seen.getOrDefault(g, new TreeSet<>());
            for (LocalDate d = today.minusDays(1); !d.isAfter(today); d = d.plusDays(1)) {
                if (ReportCalendar.scheduled(g, d) && !dates.contains(d)) {
                    current = current == null || d.isBefore(current) ? d : current;
                }
            }
        }
        return current;
    }

    /** Whether an older date within the look-back window, after the first one seen, was not seen (late or skipped). */
    private boolean older(Collection<String> granularities, Instant now, int lookbackDays) {
        LocalDate today = day(now);
        for (String g : granularities) {
            TreeSet<LocalDate> dates = seen.getOrDefault(g, new TreeSet<>());
            for (LocalDate d = today.minusDays(lookbackDays); d.isBefore(today.minusDays(1)); d = d.plusDays(1)) {
                // before the first date seen, the request was not there yet
                if (ReportCalendar.scheduled(g, d) && !dates.contains(d) && !dates.isEmpty() && d.isAfter(dates.first())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * From when the date's instance is looked for: an hour before the earliest hour of recent days, once it was seen on
     * {@link #HOURS_USED} days at least; midnight before.
     */
    private Instant windowStart(LocalDate current) {
        return at(current, windowHour());
    }

    private int windowHour() {
        return hours.size() < HOURS_USED ? 0 : Math.max(0, hours.stream().mapToInt(Integer::intValue).min().getAsInt() - 1);
    }

    /** The latest hour of recent days, or null while unknown. */
    Integer latestHour() {
        return hours.stream().max(Integer::compare).orElse(null);
    }

    /**
     * The floor probe hours of a day: the latest hour of recent days and the day's last hour; while the hours are
     * unknown, the configured ones (and the last hour). Sparse on purpose: a key without calls to spare is listed only
     * then, and what a probe misses the next one (at the latest the last hour's) finds.
     */
    static int[] probeHours(Integer hour, int[] unknown) {
        TreeSet<Integer> hours = new TreeSet<>();
        hours.add(LAST_HOUR);
        if (hour == null) {
            for (int h : unknown) {
                hours.add(Math.min(LAST_HOUR, Math.max(0, h)));
            }
        } else {
            hours.add(Math.min(LAST_HOUR, Math.max(0, hour)));
        }
        return hours.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The latest moment, at or before now, that is one of the probe hours of today or yesterday. */
    static Instant latestProbe(Instant now, int[] hours) {
        LocalDate today = day(now);
        int hourNow = now.atZone(ZoneOffset.UTC).getHour();
        int latest = -1;
        for (int h : hours) {
            if (h <= hourNow) {
                latest = Math.max(latest, h);
            }
        }
        return latest >= 0 ? at(today, latest) : at(today.minusDays(1), hours[hours.length - 1]);
    }

    /**
     * The state after a listing at {@code now} that saw these processing dates delivered (per granularity). Today's
     * date seen for the first time teaches an hour of the day: this listing's, when a listing earlier today missed it
     * (it appeared since); one before the hour the listings began, when this was the day's first listing and ran within
     * the first hour of the learned hours' window (it appeared earlier than on recent days). A first listing later in the
     * day (a floor probe) teaches nothing: the instance came at some hour since yesterday's listing.
     */
    ListingPlan after(Instant now, Map<String, Set<LocalDate>> delivered, boolean somethingPending, int lookbackDays) {
        LocalDate today = day(now);
        List<Integer> learned = new ArrayList<>(hours);
        boolean learnedToday = false;
        Map<String, TreeSet<LocalDate>> all = new TreeMap<>();
        seen.forEach((g, dates) -> all.put(g, new TreeSet<>(dates)));
        for (var entry : delivered.entrySet()) {
            TreeSet<LocalDate> dates = all.computeIfAbsent(entry.getKey(), g -> new TreeSet<>());
            for (LocalDate d : entry.getValue()) {
                boolean fresh = dates.add(d) && d.equals(today);
                if (fresh && !learnedToday && listedAt != null) {
                    // the day's first listing says it came earlier only when it ran within the window's first hour: a
                    // later one (the floor probe at the latest hour, with nothing to spare) says nothing of when it came
                    Integer hour = day(listedAt).equals(today) ? Integer.valueOf(now.atZone(ZoneOffset.UTC).getHour())
                            : windowHour() > 0 && now.isBefore(windowStart(today).plus(Duration.ofHours(1))) ? Integer.valueOf(windowHour() - 1)
                            : null;
                    if (hour != null) {
                        learned.add(hour);
                        learnedToday = true;
                    }
                }
            }
        }
        while (learned.size() > HOURS_KEPT) {
            learned.remove(0);
        }
        LocalDate keepFrom = today.minusDays(lookbackDays + 1L);
        Map<String, TreeSet<LocalDate>> kept = new TreeMap<>();
        all.forEach((g, dates) -> {
            TreeSet<LocalDate> recent = new TreeSet<>(dates.tailSet(keepFrom));
            // the newest older date stays: dates after it that were never seen are late or skipped, not before the request
            LocalDate anchor = dates.lower(keepFrom);
            if (anchor != null) {
                recent.add(anchor);
            }
            kept.put(g, recent);
        });
        return new ListingPlan(now, List.copyOf(learned), somethingPending, kept);
    }

    ListingPlan withHours(Integer... learned) {
        return new ListingPlan(listedAt, List.of(learned), pending, seen);
    }

    static ListingPlan never() {
        return new ListingPlan(null, List.of(), false, Map.of());
    }

    /** The plan as kept in the state store ({@link ListingPlanText}). */
    String format() {
        return ListingPlanText.format(this);
    }

    /** The kept plan; anything unreadable counts as never listed (a full listing follows, nothing is missed). */
    static ListingPlan parse(String text) {
        return ListingPlanText.parse(text);
    }

    public static LocalDate day(Instant i) {
        return LocalDate.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant at(LocalDate day, int hour) {
        return day.atTime(hour, 0).toInstant(ZoneOffset.UTC);
    }
}
