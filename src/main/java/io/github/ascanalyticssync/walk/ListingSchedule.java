package io.github.ascanalyticssync.walk;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.ApiStats;
import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.destination.Destinations;
import io.github.ascanalyticssync.destination.Layout;
import io.github.ascanalyticssync.ledger.StateStore;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Which of an ONGOING request's reports the walk lists now ({@link ListingPlan} is the rule), and in which order
 * (the instances themselves go oldest first across the key, {@link DeliveryQueue}). Each report's plan is kept in the state
 * store as {@code plan/<app>/<report>}; a report never listed for the configured destinations and granularities (no
 * {@code listed/} entry of {@link Watermarks}), a snapshot and a stopped request are always listed.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("listingPlan")
public class ListingSchedule {

    static final String DUE = "reportsDue";

    @Inject
    StateStore store;

    @Inject
    SyncConfig config;

    @Inject
    ApiStats apiStats;

    @Inject
    Watermarks watermarks;

    @Inject
    Destinations destinations;

    @Inject
    ListingBudget budget;

    @Inject
    ApiKeys keys;

    static String key(String appId, String reportName) {
        return "plan/" + appId + "/" + Layout.slug(reportName);
    }

    ListingPlan plan(String appId, String reportName) {
        return store.get(key(appId, reportName)).map(ListingPlan::parse).orElse(ListingPlan.never());
    }

    /**
     * Whether the report's instances are to be listed in this sync. An ONGOING report's answer is worked out once per
     * app and sync (the variable {@code reportsDue}, which listingCache fills first when it weighs its kept lists).
     */
    @SuppressWarnings("unchecked")
    public boolean due(Exchange exchange, @Variable("appId") String appId, @Variable("reportName") String reportName,
            @Variable("accessType") String accessType, @Variable("requestStopped") Boolean stopped) {
        if (!config.sync().listing().cache() || !RequestLifecycle.ONGOING.equals(accessType) || Boolean.TRUE.equals(stopped)) {
            return true;
        }
        Map<String, Boolean> known = exchange.getVariable(DUE, Map.class);
        String key = keys.of(exchange).name();
        return known == null ? ongoingDue(key, appId, reportName) : known.computeIfAbsent(reportName, r -> ongoingDue(key, appId, r));
    }

    /** Worked out once per app, report and sync: the key's counts for its listing budget are taken here too. */
    private boolean ongoingDue(String key, String appId, String reportName) {
        if (watermarks.processingDates(appId, reportName, RequestLifecycle.ONGOING) == null) {
            budget.weighed(key, appId, true);
            return true;
        }
        int[] probes = config.sync().listing().probeHours().stream().mapToInt(Integer::intValue).toArray();
        ListingPlan plan = plan(appId, reportName);
        java.time.Instant now = apiStats.serverNow();
        budget.weighed(key, appId, plan.awaiting(AscWalk.granularities(config), now));
        return plan.due(AscWalk.granularities(config), now, config.sync().lookbackDays(), probes, budget.gap(key));
    }

    /** After a whole listing of an ONGOING report: what it saw delivered, whether anything is pending, the hour learned. */
    @SuppressWarnings("unchecked")
    public void listed(Exchange exchange, @Variable("appId") String appId, @Variable("reportName") String reportName,
            @Variable("accessType") String accessType) {
        List<JsonApi.Resource> seen = exchange.getVariable(Watermarks.SEEN, List.class);
        if (!config.sync().listing().cache() || !RequestLifecycle.ONGOING.equals(accessType) || seen == null) {
            return;
        }
        Map<String, Set<LocalDate>> delivered = new HashMap<>();
        boolean pending = false;
        for (JsonApi.Resource instance : seen) {
            LocalDate date = processingDate(instance);
            if (!destinations.completeEverywhere(instance.id())) {
                pending = true;
            } else if (date != null) {
                delivered.computeIfAbsent(String.valueOf(instance.attributes().granularity()).toUpperCase(Locale.ROOT), g -> new TreeSet<>())
                        .add(date);
            }
        }
        Instant listedAt = exchange.getVariable(DeliveryQueue.LISTED_AT, Instant.class);
        ListingPlan next = plan(appId, reportName).after(listedAt != null ? listedAt : apiStats.serverNow(), delivered, pending,
                config.sync().lookbackDays());
        store.put(key(appId, reportName), next.format());
    }

    /**
     * A request's reports in the order their instances are walked: those whose oldest delivered date is the oldest
     * (never delivered first), so that when the quota runs out, what Apple deletes first was fetched first.
     */
    List<JsonApi.Resource> oldestFirst(String appId, List<JsonApi.Resource> reports) {
        Map<String, LocalDate> oldest = new HashMap<>();
        for (JsonApi.Resource r : reports) {
            String name = String.valueOf(r.attributes().name());
            LocalDate mark = null;
            for (String g : AscWalk.granularities(config)) {
                LocalDate w = watermarks.watermark(appId, name, g).orElse(null);
                if (w == null) {
                    mark = null;
                    break;
                }
                mark = mark == null || w.isBefore(mark) ? w : mark;
            }
            oldest.put(r.id(), mark);
        }
        return reports.stream().sorted(Comparator.comparing((JsonApi.Resource r) -> oldest.get(r.id()), Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
    }

    private static LocalDate processingDate(JsonApi.Resource instance) {
        try {
            return LocalDate.parse(String.valueOf(instance.attributes().processingDate()));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
