package io.github.ascanalyticssync.walk;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import io.quarkus.runtime.annotations.RegisterForReflection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;

import io.github.ascanalyticssync.api.ApiStats;
import io.github.ascanalyticssync.api.ApiValues;
import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.destination.Destinations;
import io.github.ascanalyticssync.destination.Layout;
import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.observe.RunTally;
import io.github.ascanalyticssync.observe.SyncMetrics;

/**
 * What an ONGOING report has delivered, kept in the {@link StateStore} beside the ledgers:
 * <ul>
 * <li>{@code watermark/<app>/<report>/<granularity>}: the latest processing date delivered with every earlier
 * instance seen delivered too;</li>
 * <li>{@code listed/<app>/<report>/<granularities>}: App Store Connect's date at the last listing after which
 * nothing was pending. The next listing asks only for the days since then (less {@code lookback-days}).</li>
 * </ul>
 * After each listing the dates seen are checked against the schedule: a date Apple skipped is a warning; dates that
 * passed Apple's retention before they were synced are a warning with the backfill hint.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("watermarks")
public class Watermarks {

    static final String SEEN = "ascInstancesSeen";

    /** A publication later than this after the previous one (beyond the schedule's step) leaves a gap. */
    private static final Map<String, Integer> TOLERANCE_DAYS = Map.of("DAILY", 0, "WEEKLY", 3, "MONTHLY", 5);

    @Inject
    StateStore store;

    @Inject
    Destinations destinations;

    @Inject
    ApiStats apiStats;

    @Inject
    SyncConfig config;

    @Inject
    RunTally run;

    @Inject
    SyncMetrics metrics;

    /** Gaps already reported by this process: each is told once. */
    private final Set<String> told = ConcurrentHashMap.newKeySet();

    static String watermarkKey(String appId, String reportName, String granularity) {
        return "watermark/" + appId + "/" + Layout.slug(reportName) + "/" + granularity;
    }

    /**
     * The last complete listing of a report, for the destinations configured now: a destination added (or removed)
     * makes the next listing of every report a full one, since the new one lacks everything Apple still serves.
     */
    private String listedKey(String appId, String reportName) {
        return "listed/" + appId + "/" + Layout.slug(reportName) + "/" + String.join("+", AscWalk.granularities(config)) + "/"
                + String.join("+", destinations.names());
    }

    public java.util.Optional<LocalDate> watermark(String appId, String reportName, String granularity) {
        return store.get(watermarkKey(appId, reportName, granularity)).map(LocalDate::parse);
    }

    /**
     * The {@code filter[processingDate]} value of a routine listing: every day from the last complete listing, less
     * the look-back, to tomorrow (Apple's processing dates follow its own time zone). Null for the first listing of
     * a report, for snapshots, and when the last complete listing is older than the retention: then all is listed.
     */
    public String processingDates(String appId, String reportName, String accessType) {
        if (!"ONGOING".equals(accessType)) {
            return null;
        }
        LocalDate listed = store.get(listedKey(appId, reportName)).map(LocalDate::parse).orElse(null);
        if (listed == null) {
            return null;
        }
        LocalDate today = apiStats.serverToday();
        LocalDate from = listed.minusDays(config.sync().lookbackDays());
        if (!from.isAfter(today.minusDays(config.sync().retentionDays()))) {
            return null;
        }
        List<String> dates = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(today.plusDays(1)); d = d.plusDays(1)) {
            dates.add(d.toString());
        }
        return String.join(",", dates);
    }

    /** Remembers the instances of the listed page (variable {@code page}) for {@link #listed}. */
    @SuppressWarnings("unchecked")
    public void seen(Exchange exchange, @Variable("page") JsonApi.Document page) {
        List<JsonApi.Resource> seen = exchange.getVariable(SEEN, List.class);
        if (seen == null) {
            seen = new ArrayList<>();
            exchange.setVariable(SEEN, seen);
        }
        seen.addAll(page.data());
    }

    /**
     * After the whole listing of an ONGOING report was walked: reports gaps, moves each granularity's watermark over
     * the instances now complete, and records the listing as complete when nothing is pending.
     */
    @SuppressWarnings("unchecked")
    public void listed(Exchange exchange) {
        List<JsonApi.Resource> seen = exchange.getVariable(SEEN, List.class);
        exchange.removeVariable(SEEN);
        String appId = exchange.getVariable("appId", String.class);
        String reportName = exchange.getVariable("reportName", String.class);
        if (!"ONGOING".equals(exchange.getVariable("accessType")) || seen == null) {
            return;
        }
        // the day of the listing: the delivery phase may end on a later one
        LocalDate today = exchange.getVariable(DeliveryQueue.LISTED_DAY, apiStats.serverToday(), LocalDate.class);
        Map<String, TreeMap<LocalDate, List<String>>> byGranularity = new TreeMap<>();
        boolean pending = false;
        for (JsonApi.Resource instance : seen) {
            JsonApi.Attributes attributes = instance.attributes();
            if (!ApiValues.isEnum(attributes.granularity()) || !ApiValues.isDate(attributes.processingDate())) {
                // refused where the walk met it (apiValues.instance), with its own line; the listing is not complete
                pending = true;
                continue;
            }
            String granularity = attributes.granularity();
            LocalDate date = LocalDate.parse(attributes.processingDate());
            byGranularity.computeIfAbsent(granularity, g -> new TreeMap<>()).computeIfAbsent(date, d -> new ArrayList<>())
                    .add(instance.id());
        }
        for (var entry : byGranularity.entrySet()) {
            String granularity = entry.getKey();
            String key = watermarkKey(appId, reportName, granularity);
            LocalDate mark = store.get(key).map(LocalDate::parse).orElse(null);
            reportGaps(appId, reportName, granularity, mark, entry.getValue().keySet(), today);
            LocalDate advanced = mark;
            for (var day : entry.getValue().entrySet()) {
                boolean complete = day.getValue().stream().allMatch(destinations::completeEverywhere);
                if (!complete) {
                    pending = true;
                    break;
                }
                if (advanced == null || day.getKey().isAfter(advanced)) {
                    advanced = day.getKey();
                }
            }
            if (advanced != null && !advanced.equals(mark)) {
                store.put(key, advanced.toString());
            }
            if (advanced != null) {
                metrics.newestDelivered(appId, reportName, granularity, advanced);
            }
        }
        if (!pending) {
            store.put(listedKey(appId, reportName), today.toString());
        }
    }

    /** Compares the processing dates seen with the schedule, from the watermark on. */
    private void reportGaps(String appId, String reportName, String granularity, LocalDate mark, Set<LocalDate> dates, LocalDate today) {
        Integer tolerance = TOLERANCE_DAYS.get(granularity);
        if (tolerance == null) {
            return;
        }
        LocalDate previous = mark;
        LocalDate oldestKept = today.minusDays(config.sync().retentionDays() - 1L);
        for (LocalDate date : dates.stream().sorted(Comparator.naturalOrder()).toList()) {
            if (previous != null && date.isAfter(previous)) {
                LocalDate expected = next(granularity, previous);
                if (date.isAfter(expected.plusDays(tolerance))) {
                    LocalDate lastMissing = date.minusDays(1);
                    String what = "report " + reportName + " (" + granularity + ") of app " + appId + ": no instance for processing dates "
                            + expected + " to " + lastMissing;
                    if (told.add(appId + "/" + reportName + "/" + granularity + "/" + expected)) {
                        if (expected.isBefore(oldestKept)) {
                            run.warn(what + "; Apple deleted them after " + config.sync().retentionDays()
                                    + " days before this sync could read them. Only a ONE_TIME_SNAPSHOT brings them back:"
                                    + " run once with asc.sync.snapshot=true (an Admin key, at most once per app every "
                                    + config.sync().snapshotCooldownDays() + " days)");
                        } else {
                            run.warn(what + ": Apple published none (it sometimes skips a date); nothing to deliver");
                        }
                    }
                }
            }
            if (previous == null || date.isAfter(previous)) {
                previous = date;
            }
        }
    }

    private static LocalDate next(String granularity, LocalDate date) {
        return switch (granularity) {
            case "WEEKLY" -> date.plusWeeks(1);
            case "MONTHLY" -> date.plusMonths(1);
            default -> date.plusDays(1);
        };
    }
}
