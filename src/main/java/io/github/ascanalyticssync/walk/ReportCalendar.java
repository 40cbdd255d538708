package io.github.ascanalyticssync.walk;

import java.time.DayOfWeek;
import java.time.LocalDate;

/** The processing dates on which Apple creates a report's instances: DAILY every day, WEEKLY on Fridays, MONTHLY on the 5th. */
final class ReportCalendar {

    private ReportCalendar() {
    }

    /** Whether Apple creates an instance of the granularity on that processing date. */
    static boolean scheduled(String granularity, LocalDate d) {
        return switch (granularity) {
            case "WEEKLY" -> d.getDayOfWeek() == DayOfWeek.FRIDAY;
            case "MONTHLY" -> d.getDayOfMonth() == 5;
            default -> true;
        };
    }
}
