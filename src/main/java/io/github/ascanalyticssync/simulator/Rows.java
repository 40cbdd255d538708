package io.github.ascanalyticssync.simulator;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import io.github.ascanalyticssync.simulator.Model.App;

/**
 * The values of one generated row, plausible as a whole: a unique count ({@code Unique Counts}, {@code Unique
 * Devices}, {@code Paying Users}) never exceeds the row's total ({@code Counts}, {@code Count}, {@code Sessions},
 * {@code Purchases}), a session duration grows with the sessions, and a report with a privacy threshold counts at
 * least that many users or devices in every row. Apple omits the rows under its threshold; drawing the counts at or
 * above it gives the same files as generating and then omitting them, and keeps the announced row count exact.
 */
final class Rows {

    private static final Set<String> TOTALS = Set.of("Counts", "Count", "Sessions", "Purchases");
    private static final Set<String> UNIQUES = Set.of("Unique Counts", "Unique Devices", "Paying Users");
    private static final int MAX_COUNT = 5000;

    private static final String[] DEVICES = { "iPhone", "iPad", "Mac", "Apple TV", "Apple Watch", "Apple Vision Pro" };
    private static final String[] TERRITORIES = { "US", "GB", "DE", "FR", "JP", "CA", "AU", "BR", "IN", "IT", "ES", "NL" };
    private static final String[] PLATFORM_VERSIONS = { "iOS 17.5", "iOS 18.1", "iOS 18.3", "iPadOS 18.2", "macOS 15.1", "visionOS 2.1" };
    private static final String[] SOURCE_TYPES = { "App Store search", "App Store browse", "App referrer", "Web referrer", "App Clip",
            "Notification", "Institutional purchase", "Unavailable" };
    private static final String[] PAGE_TYPES = { "Product page", "Store sheet", "No page", "Search", "Today" };
    private static final String[] DOWNLOAD_TYPES = { "First-time download", "Redownload", "Manual update", "Auto-update", "Restore" };
    private static final String[] EVENTS = { "Impression", "Page view", "Tap" };
    private static final String[] INSTALL_EVENTS = { "Install", "Delete" };

    private final List<String> columns;
    private final App app;
    private final int minUsers;
    private final Random random;

    Rows(List<String> columns, App app, int minUsers, Random random) {
        this.columns = columns;
        this.app = app;
        this.minUsers = minUsers;
        this.random = random;
    }

    /** Appends one row (without its line end) for {@code date}. */
    void append(LocalDate date, StringBuilder line) {
        long least = Math.max(1, minUsers);
        long total = MAX_COUNT;
        for (int c = 0; c < columns.size(); c++) {
            if (c > 0) {
                line.append('\t');
            }
            String column = columns.get(c);
            if (TOTALS.contains(column)) {
                total = between(least, MAX_COUNT);
                line.append(total);
            } else if (UNIQUES.contains(column)) {
                line.append(between(least, total));
            } else if (column.equals("Total Session Duration")) {
                line.append(total * between(10, 900));
            } else {
                value(column, date, line);
            }
        }
    }

    /** A uniform draw from {@code from} to {@code to}, both included. */
    private long between(long from, long to) {
        return from + (long) (random.nextDouble() * (to - from + 1));
    }

    private void value(String column, LocalDate date, StringBuilder out) {
        switch (column) {
            case "Date" -> out.append(date);
            case "App Name" -> out.append(app.name());
            case "App Apple Identifier" -> out.append(app.id());
            case "App Download Date" -> out.append(date.minusDays(random.nextInt(400)));
            case "Device" -> out.append(pick(DEVICES));
            case "Territory" -> out.append(pick(TERRITORIES));
            case "Platform Version" -> out.append(pick(PLATFORM_VERSIONS));
            case "Platform" -> out.append(random.nextBoolean() ? "iOS" : "iPadOS");
            case "Source Type" -> out.append(pick(SOURCE_TYPES));
            case "Page Type" -> out.append(pick(PAGE_TYPES));
            case "Download Type" -> out.append(pick(DOWNLOAD_TYPES));
            case "Event" -> out.append(random.nextInt(4) == 0 ? pick(INSTALL_EVENTS) : pick(EVENTS));
            case "Engagement Type" -> out.append(random.nextBoolean() ? "Direct" : "Indirect");
            // minor versions run past 9, as in 1.10, so that a client comparing versions as text is caught out
            case "App Version" -> out.append(1 + random.nextInt(3)).append('.').append(random.nextInt(16));
            case "Build" -> out.append(100 + random.nextInt(900));
            case "Release Type" -> out.append(random.nextInt(5) == 0 ? "TestFlight" : "App Store");
            case "Pre-Order" -> out.append(random.nextInt(10) == 0 ? "Yes" : "No");
            case "Purchase Type" -> out.append(random.nextBoolean() ? "In-App Purchase" : "Subscription");
            case "Payment Method" -> out.append(random.nextBoolean() ? "Credit Card" : "Apple Account Balance");
            case "Content Name" -> out.append("Content ").append(1 + random.nextInt(20));
            case "Content Apple Identifier" -> out.append(6_000_000_000L + random.nextInt(1_000_000));
            case "Source Info" -> out.append("source-").append(random.nextInt(50));
            case "Campaign" -> out.append(random.nextInt(3) == 0 ? "" : "campaign-" + random.nextInt(10));
            case "Page Title" -> out.append(random.nextInt(3) == 0 ? "" : "Page " + random.nextInt(10));
            case "Percentile" -> out.append(new int[] { 50, 90, 95, 99 }[random.nextInt(4)]);
            case "Proceeds In USD", "Sales In USD" -> out.append(String.format(Locale.ROOT, "%.2f", random.nextInt(100_000) / 100.0));
            default -> out.append(random.nextInt(MAX_COUNT));
        }
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
