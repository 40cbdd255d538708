package io.github.ascanalyticssync.simulator;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.github.ascanalyticssync.simulator.Model.AccessType;
import io.github.ascanalyticssync.simulator.Model.Granularity;
import io.github.ascanalyticssync.simulator.Model.Instance;
import io.github.ascanalyticssync.simulator.Model.Report;
import io.github.ascanalyticssync.simulator.ReportCatalogue.ReportType;

/**
 * When an instance exists, which {@code Date} values its rows carry, and at which moment it becomes visible: each
 * ongoing instance at an hour of its processing date drawn from the seed among the publish hours, a share of them
 * a day late (same processing date, visible the next day at that hour); a snapshot's whole history at one such hour
 * of its first-instance day. The publish hours and the late share can be changed at run time.
 */
final class Schedule {

    /**
     * The publication settings: hours (UTC) as written, e.g. {@code 0-23} or {@code 4-9,18}, the late share, and whether
     * the hour is drawn per report (each instance within {@code hourSpread} hours of its report's) or per instance.
     */
    record Publishing(String hours, double lateShare, String hourMode, int hourSpread) {
    }

    static final String PER_INSTANCE = "per-instance";
    static final String PER_REPORT = "per-report";

    private final long seed;
    private final LocalDate defaultHistoryStart;
    private final Publishing configured;
    private volatile Publishing publishing;
    private volatile int[] hours;

    Schedule(SimulatorConfig config) {
        this.seed = config.data().seed();
        this.defaultHistoryStart = config.lifecycle().snapshotHistoryStart();
        this.configured = new Publishing(config.data().publishHours(), config.data().lateShare(), config.data().publishHourMode(),
                config.data().publishHourSpread());
        set(configured);
    }

    void reset() {
        set(configured);
    }

    Publishing publishing() {
        return publishing;
    }

    /** Replaces the publication settings; an invalid value changes nothing and says what is wrong. */
    synchronized void set(Publishing p) {
        int[] parsed = parseHours(p.hours());
        if (!(p.lateShare() >= 0 && p.lateShare() <= 1)) {
            throw new IllegalArgumentException("asc.simulator.data.late-share: " + p.lateShare() + " is not a share; use a number from 0 to 1, such as 0.02");
        }
        if (!PER_INSTANCE.equals(p.hourMode()) && !PER_REPORT.equals(p.hourMode())) {
            throw new IllegalArgumentException("asc.simulator.data.publish-hour-mode: '" + p.hourMode() + "' is not a mode; use per-report or per-instance");
        }
        if (p.hourSpread() < 0 || p.hourSpread() > 23) {
            throw new IllegalArgumentException("asc.simulator.data.publish-hour-spread: " + p.hourSpread() + " is not a number of hours; use 0 to 23");
        }
        this.hours = parsed;
        this.publishing = p;
    }

    static int[] parseHours(String text) {
        TreeSet<Integer> out = new TreeSet<>();
        try {
            for (String part : text.split(",")) {
                String[] range = part.trim().split("-", -1);
                int from = Integer.parseInt(range[0].trim());
                int to = range.length == 2 ? Integer.parseInt(range[1].trim()) : from;
                if (range.length > 2 || from < 0 || to > 23 || from > to) {
                    throw new NumberFormatException();
                }
                for (int h = from; h <= to; h++) {
                    out.add(h);
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("asc.simulator.data.publish-hours: '" + text
                    + "' is not a list of UTC hours; use hours 0 to 23 and ranges, such as 0-23 or 4-9,18");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static boolean produces(Granularity g, LocalDate d) {
        return switch (g) {
            case DAILY -> true;
            case WEEKLY -> d.getDayOfWeek() == DayOfWeek.FRIDAY;
            case MONTHLY -> d.getDayOfMonth() == 5;
        };
    }

    /** The first {@code Date} a report's rows may carry: its own documented start, else the configured default. */
    LocalDate historyStart(ReportType type) {
        return type.historyStart().orElse(defaultHistoryStart);
    }

    /** Whether an instance of this report, granularity and processing date carries no Date before the report's history. */
    boolean withinHistory(Report report, Granularity g, LocalDate processingDate) {
        return !dataDates(report, g, processingDate).get(0).isBefore(historyStart(report.type()));
    }

    /** The {@code Date} values of an instance's rows, oldest first: a DAILY ongoing instance restates its completeness window. */
    static List<LocalDate> dataDates(Report report, Granularity g, LocalDate p) {
        return switch (g) {
            case DAILY -> {
                int days = report.request().accessType() == AccessType.ONGOING ? report.type().completenessDays() : 1;
                List<LocalDate> dates = new ArrayList<>();
                for (int k = days; k >= 1; k--) {
                    dates.add(p.minusDays(k));
                }
                yield dates;
            }
            case WEEKLY -> List.of(p.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1));
            case MONTHLY -> List.of(p.minusMonths(1).withDayOfMonth(1));
        };
    }

    /** The moment the instance becomes visible in listings, single GETs, segment lists and the catalogue. */
    Instant publishedAt(Instance i) {
        if (i.report().request().accessType() == AccessType.ONE_TIME_SNAPSHOT) {
            return at(i.report().request().firstInstanceOn(), hour(i.report().request().id()));
        }
        Publishing p = publishing;
        boolean late = Ids.fraction(seed, "late", i.id()) < p.lateShare();
        int hour;
        if (PER_REPORT.equals(p.hourMode())) {
            // the report's own hour, each instance within the spread of it
            int spread = p.hourSpread();
            int offset = spread == 0 ? 0 : (int) Long.remainderUnsigned(Ids.number(seed, "publish-offset", i.id()), 2L * spread + 1) - spread;
            hour = Math.min(23, Math.max(0, hour(i.report().id()) + offset));
        } else {
            hour = hour(i.id());
        }
        return at(late ? i.processingDate().plusDays(1) : i.processingDate(), hour);
    }

    private int hour(String id) {
        int[] h = hours;
        return h[(int) Long.remainderUnsigned(Ids.number(seed, "publish-hour", id), h.length)];
    }

    private static Instant at(LocalDate day, int hour) {
        return day.atTime(hour, 0).toInstant(ZoneOffset.UTC);
    }
}
