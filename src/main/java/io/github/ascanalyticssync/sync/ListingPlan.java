package io.github.ascanalyticssync.sync;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * When a report's instances are worth listing (the rule, without state or I/O). Apple creates an instance on its
 * processing date: DAILY every day, WEEKLY on Fridays, MONTHLY on the 5th, at some hour of that day (sometimes a day
 * late, sometimes never). A report is listed when
 * <ul>
 * <li>it was never listed, or something it listed is not yet everywhere ({@code pending});</li>
 * <li>the instance of today's or yesterday's processing date of a selected granularity was not seen yet: at the
 * report's probe hours (UTC) of the day, from the hour its instances usually appear ({@link #probeHours});</li>
 * <li>an older scheduled date within the look-back window was not seen (published late, or skipped): once a day, at
 * the last probe hour, when the report was not listed that day anyway.</li>
 * </ul>
 * A probe hour counts once: the report is due when the latest probe moment up to now is after its last listing.
 *
 * @param listedAt when the report was last listed (App Store Connect's clock)
 * @param hour the hour (UTC) its instances usually appear, learned from the probes; null while unknown
 * @param pending something listed last time did not reach every destination
 * @param seen per granularity, the processing dates seen delivered, within the look-back window
 */
record ListingPlan(Instant listedAt, Integer hour, boolean pending, Map<String, TreeSet<LocalDate>> seen) {

    static final int LAST_HOUR = 23;

    /** Whether the report is to be listed now. */
    boolean due(Collection<String> granularities, Instant now, int lookbackDays, int[] unknownHourProbes) {
        if (listedAt == null || pending) {
            return true;
        }
        LocalDate today = day(now);
        LocalDate current = null; // the oldest of today's and yesterday's dates not seen
        boolean older = false;
        for (String g : granularities) {
            TreeSet<LocalDate> dates = seen.getOrDefault(g, new TreeSet<>());
            for (LocalDate d = today.minusDays(lookbackDays); !d.isAfter(today); d = d.plusDays(1)) {
                if (!scheduled(g, d) || dates.contains(d)) {
                    continue;
                }
                if (!d.isBefore(today.minusDays(1))) {
                    current = current == null || d.isBefore(current) ? d : current;
                } else if (!dates.isEmpty() && d.isAfter(dates.first())) {
                    // a date after the first one seen: published late or skipped (before it, the request was not there yet)
                    older = true;
                }
            }
        }
        if (current != null) {
            // only the probes since that date's day began: yesterday's last one is not spent on today's date
            Instant probe = latestProbe(now, probeHours(hour, unknownHourProbes));
            return !probe.isBefore(at(current, 0)) && listedAt.isBefore(probe);
        }
        // a late or skipped older date: once a day, at the last hour, unless the report was listed that day anyway
        // (each listing asks for the look-back window's dates too)
        Instant recheck = latestProbe(now, new int[] { LAST_HOUR });
        return older && day(listedAt).isBefore(day(recheck));
    }

    /**
     * The probe hours of a day: the learned hour and the day's last hour; while the hour is unknown, the configured
     * sparse ones (and the last hour). Sparse on purpose: each probe that finds nothing is a
     * call spent, and what a probe misses the next one (at the latest the last hour's) finds.
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
     * The state after a listing at {@code now} that saw these processing dates delivered (per granularity). A date of
     * today or yesterday seen for the first time after a listing earlier today missed it teaches the hour: this
     * listing's (it appeared since the previous one), so that the next day's first probe finds it.
     */
    ListingPlan after(Instant now, Map<String, Set<LocalDate>> delivered, boolean somethingPending, int lookbackDays) {
        LocalDate today = day(now);
        Integer learned = hour;
        Map<String, TreeSet<LocalDate>> all = new TreeMap<>();
        seen.forEach((g, dates) -> all.put(g, new TreeSet<>(dates)));
        for (var entry : delivered.entrySet()) {
            TreeSet<LocalDate> dates = all.computeIfAbsent(entry.getKey(), g -> new TreeSet<>());
            for (LocalDate d : entry.getValue()) {
                boolean fresh = dates.add(d) && !d.isBefore(today.minusDays(1));
                if (fresh && listedAt != null && day(listedAt).equals(today)) {
                    learned = now.atZone(ZoneOffset.UTC).getHour();
                }
            }
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
        return new ListingPlan(now, learned, somethingPending, kept);
    }

    ListingPlan withHour(Integer learned) {
        return new ListingPlan(listedAt, learned, pending, seen);
    }

    static ListingPlan never() {
        return new ListingPlan(null, null, false, Map.of());
    }

    /** Whether Apple creates an instance of the granularity on that processing date. */
    static boolean scheduled(String granularity, LocalDate d) {
        return switch (granularity) {
            case "WEEKLY" -> d.getDayOfWeek() == DayOfWeek.FRIDAY;
            case "MONTHLY" -> d.getDayOfMonth() == 5;
            default -> true;
        };
    }

    /** The latest processing date of the granularity on or before the day. */
    static LocalDate latestScheduled(String granularity, LocalDate day) {
        return switch (granularity) {
            case "WEEKLY" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.FRIDAY));
            case "MONTHLY" -> day.getDayOfMonth() >= 5 ? day.withDayOfMonth(5) : day.minusMonths(1).withDayOfMonth(5);
            default -> day;
        };
    }

    /** The state as kept in the state store: {@code listedAt|hour|pending|DAILY=2026-03-06,2026-03-07;WEEKLY=...}. */
    String format() {
        StringBuilder s = new StringBuilder().append(listedAt).append('|').append(hour == null ? "-" : hour).append('|').append(pending).append('|');
        String sep = "";
        for (var e : seen.entrySet()) {
            s.append(sep).append(e.getKey()).append('=').append(String.join(",", e.getValue().stream().map(LocalDate::toString).toList()));
            sep = ";";
        }
        return s.toString();
    }

    /** The kept state; anything unreadable counts as never listed (a full listing follows, nothing is missed). */
    static ListingPlan parse(String text) {
        try {
            String[] parts = text.split("\\|", -1);
            Map<String, TreeSet<LocalDate>> seen = new TreeMap<>();
            for (String g : parts[3].split(";")) {
                if (g.isEmpty()) {
                    continue;
                }
                String[] kv = g.split("=", 2);
                TreeSet<LocalDate> dates = new TreeSet<>();
                for (String d : kv[1].split(",")) {
                    if (!d.isEmpty()) {
                        dates.add(LocalDate.parse(d));
                    }
                }
                seen.put(kv[0], dates);
            }
            return new ListingPlan(Instant.parse(parts[0]), "-".equals(parts[1]) ? null : Integer.valueOf(parts[1]), Boolean.parseBoolean(parts[2]), seen);
        } catch (RuntimeException e) {
            return never();
        }
    }

    static LocalDate day(Instant i) {
        return LocalDate.ofInstant(i, ZoneOffset.UTC);
    }

    private static Instant at(LocalDate day, int hour) {
        return day.atTime(hour, 0).toInstant(ZoneOffset.UTC);
    }
}
