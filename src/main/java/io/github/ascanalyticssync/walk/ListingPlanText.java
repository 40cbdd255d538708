package io.github.ascanalyticssync.walk;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@link ListingPlan} as the state store keeps it, one line:
 * {@code listedAt|hours|pending|DAILY=2026-03-06,2026-03-07;WEEKLY=...} ({@code -} for no hours).
 */
final class ListingPlanText {

    private ListingPlanText() {
    }

    static String format(ListingPlan plan) {
        String h = plan.hours().isEmpty() ? "-" : String.join(",", plan.hours().stream().map(String::valueOf).toList());
        StringBuilder s = new StringBuilder().append(plan.listedAt()).append('|').append(h).append('|').append(plan.pending()).append('|');
        String sep = "";
        for (var e : plan.seen().entrySet()) {
            s.append(sep).append(e.getKey()).append('=').append(String.join(",", e.getValue().stream().map(LocalDate::toString).toList()));
            sep = ";";
        }
        return s.toString();
    }

    /** The kept plan; anything unreadable counts as never listed (a full listing follows, nothing is missed). */
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
            List<Integer> hours = new ArrayList<>();
            if (!"-".equals(parts[1])) {
                for (String h : parts[1].split(",")) {
                    hours.add(Integer.valueOf(h));
                }
            }
            return new ListingPlan(Instant.parse(parts[0]), List.copyOf(hours), Boolean.parseBoolean(parts[2]), seen);
        } catch (RuntimeException e) {
            return ListingPlan.never();
        }
    }
}
