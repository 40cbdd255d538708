package io.github.ascanalyticssync.walk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.api.ApiStats;
import io.github.ascanalyticssync.api.AppStoreConnectException;
import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.ledger.StateStore;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The lists that rarely change, kept in the state store ({@code requests/<app>}, {@code reports/<request>}: when
 * listed, and the resources as JSON) and listed again after {@code asc.sync.listing.refresh}; at once when a listing
 * met a 404, when a request is stopped or was created or replaced, and for another category selection. A sync that
 * has made no call yet (the apps are configured) lists its first app's requests anyway: that response's {@code Date}
 * header is the clock the listing plan reads.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("listingCache")
public class ListingCache {

    private static final String REQUESTS = "requests";
    private static final String REPORTS = "reportList";
    private static final String FRESH = "listedNow";
    /** The request ids of the app's kept list, as requestsPath read it or requestsListed kept it. */
    private static final String KEPT_IDS = "requestsKept";
    /** Per request id, its kept reports as read once for the app's sync (shared by the split copies). */
    private static final String KEPT_REPORTS = "reportsKept";
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final TypeReference<List<JsonApi.Resource>> RESOURCES = new TypeReference<>() {
    };

    @Inject
    StateStore store;

    @Inject
    SyncConfig config;

    @Inject
    ApiStats apiStats;

    @Inject
    CurrentRun run;

    @Inject
    AscWalk walk;

    @Inject
    ListingSchedule schedule;

    /**
     * Sets the variable {@code next} to the first page of the app's requests, or to null when the kept list serves
     * (then it is the variable {@code requests}). A bean step, not an expression: an expression's bean sees a copy.
     */
    public void requestsPath(Exchange exchange, @Variable("appId") String appId) {
        exchange.setVariable(KEPT_REPORTS, new ConcurrentHashMap<String, Optional<Kept>>());
        exchange.setVariable(ListingSchedule.DUE, new ConcurrentHashMap<String, Boolean>());
        exchange.setVariable("next", requestsFirstPage(exchange, appId));
    }

    private String requestsFirstPage(Exchange exchange, String appId) {
        String path = "/v1/apps/" + appId + "/analyticsReportRequests?limit=200&fields%5BanalyticsReportRequests%5D=accessType,stoppedDueToInactivity";
        Instant started = run.started();
        Instant received = apiStats.lastDateReceived();
        boolean clockRead = started != null && received != null && !received.isBefore(started);
        Optional<Kept> kept = kept("requests/" + appId, "");
        exchange.setVariable(KEPT_IDS, kept.map(k -> ids(k.resources())).orElse(List.of()));
        if (kept.isPresent() && clockRead && (kept.get().fresh() || !anyDue(exchange, appId, kept.get().resources()))) {
            exchange.setVariable(REQUESTS, new ArrayList<>(kept.get().resources()));
            return null;
        }
        exchange.setVariable(FRESH, true);
        return path;
    }

    /** After the requests were listed: kept, unless one is stopped (then they are listed on every sync until replaced). */
    @SuppressWarnings("unchecked")
    public void requestsListed(Exchange exchange, @Variable("appId") String appId) {
        if (exchange.removeVariable(FRESH) == null) {
            return;
        }
        List<JsonApi.Resource> listed = exchange.getVariable(REQUESTS, List.class);
        if (listed != null && listed.stream().noneMatch(r -> r.attributes().stopped())) {
            keep("requests/" + appId, "", listed);
            exchange.setVariable(KEPT_IDS, config.sync().listing().cache() ? ids(listed) : List.of());
        }
    }

    /** After the walk chose the requests: one it created or replaced is not in the kept list, which is dropped then. */
    @SuppressWarnings("unchecked")
    public void requestsWalked(Exchange exchange, @Variable("appId") String appId, List<RequestLifecycle.Walked> walked) {
        List<String> kept = exchange.getVariable(KEPT_IDS, List.of(), List.class);
        if (walked.stream().anyMatch(w -> w.stopped() || !kept.contains(w.id()))) {
            store.remove("requests/" + appId);
        }
    }

    /** Sets the variable {@code next} to the first page of the request's reports, or to null when the kept list serves. */
    public void reportsPath(Exchange exchange, @Variable("requestId") String requestId) {
        exchange.removeVariable(REPORTS);
        Optional<Kept> kept = keptReports(exchange, requestId);
        if (kept.isPresent() && (kept.get().fresh() || !anyReportDue(exchange, exchange.getVariable("appId", String.class), kept.get().resources()))) {
            exchange.setVariable(REPORTS, new ArrayList<>(kept.get().resources()));
            exchange.setVariable("next", null);
            return;
        }
        exchange.setVariable(FRESH, true);
        exchange.setVariable("next", walk.reportsPath(requestId));
    }

    /** Collects one listed page of reports. */
    @SuppressWarnings("unchecked")
    public void reportsPage(Exchange exchange, @Variable("page") JsonApi.Document page) {
        List<JsonApi.Resource> reports = exchange.getVariable(REPORTS, List.class);
        if (reports == null) {
            reports = new ArrayList<>();
            exchange.setVariable(REPORTS, reports);
        }
        reports.addAll(page.data());
    }

    /** The request's reports, kept when just listed, in the order the walk takes them (oldest data first). */
    @SuppressWarnings("unchecked")
    public List<JsonApi.Resource> reports(Exchange exchange, @Variable("appId") String appId, @Variable("requestId") String requestId) {
        List<JsonApi.Resource> reports = exchange.getVariable(REPORTS, List.class);
        exchange.removeVariable(REPORTS);
        List<JsonApi.Resource> all = reports == null ? List.of() : reports;
        if (exchange.removeVariable(FRESH) != null) {
            keep("reports/" + requestId, categories(), all);
        }
        return schedule.oldestFirst(appId, all);
    }

    /** A listing answered 404 (a request or report Apple removed): the app's kept lists are listed again next time. */
    public void failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (e instanceof AppStoreConnectException a && a.status() == 404) {
            Object appId = exchange.getVariable("appId");
            Object requestId = exchange.getVariable("requestId");
            if (appId != null) {
                store.remove("requests/" + appId);
            }
            if (requestId != null) {
                store.remove("reports/" + requestId);
            }
        }
    }

    private String categories() {
        return String.join(",", config.sync().categories().orElse(List.of()));
    }

    /** A kept list; {@code fresh}: listed less than {@code asc.sync.listing.refresh} ago. */
    private record Kept(List<JsonApi.Resource> resources, boolean fresh) {
    }

    /**
     * The kept list for the selection. A list due for its refresh still serves while none of the app's reports is due:
     * the refresh waits for the sync that lists something anyway, so a sync with nothing due stays at one call.
     */
    private Optional<Kept> kept(String key, String selection) {
        if (!config.sync().listing().cache()) {
            return Optional.empty();
        }
        return store.get(key).flatMap(value -> {
            String[] parts = value.split("\\|", 3);
            try {
                if (parts.length < 3 || !parts[1].equals(selection)) {
                    return Optional.empty();
                }
                boolean fresh = Instant.parse(parts[0]).plus(config.sync().listing().refresh()).isAfter(apiStats.serverNow());
                return Optional.of(new Kept(JSON.readValue(parts[2], RESOURCES), fresh));
            } catch (JsonProcessingException | RuntimeException e) {
                return Optional.empty(); // unreadable: listed again
            }
        });
    }

    /** The request's kept reports, read once per app and sync. */
    @SuppressWarnings("unchecked")
    private Optional<Kept> keptReports(Exchange exchange, String requestId) {
        Map<String, Optional<Kept>> read = exchange.getVariable(KEPT_REPORTS, Map.class);
        return read == null ? kept("reports/" + requestId, categories()) : read.computeIfAbsent(requestId, r -> kept("reports/" + r, categories()));
    }

    private static List<String> ids(List<JsonApi.Resource> resources) {
        return resources.stream().map(JsonApi.Resource::id).toList();
    }

    /** Whether a report of the app's kept active requests is due (or a request's reports are not kept). */
    private boolean anyDue(Exchange exchange, String appId, List<JsonApi.Resource> requests) {
        for (JsonApi.Resource r : requests) {
            if (!RequestLifecycle.ONGOING.equals(r.attributes().accessType())) {
                if (config.sync().snapshot()) {
                    return true;
                }
                continue;
            }
            if (r.attributes().stopped()) {
                return true;
            }
            Optional<Kept> reports = keptReports(exchange, r.id());
            if (reports.isEmpty() || anyReportDue(exchange, appId, reports.get().resources())) {
                return true;
            }
        }
        return false;
    }

    private boolean anyReportDue(Exchange exchange, String appId, List<JsonApi.Resource> reports) {
        return reports.stream().anyMatch(r -> walk.wantsReport(r)
                && schedule.due(exchange, appId, String.valueOf(r.attributes().name()), RequestLifecycle.ONGOING, false));
    }

    private void keep(String key, String selection, List<JsonApi.Resource> resources) {
        if (!config.sync().listing().cache()) {
            return;
        }
        try {
            store.put(key, apiStats.serverNow() + "|" + selection + "|" + JSON.writeValueAsString(resources));
        } catch (JsonProcessingException e) {
            store.remove(key);
        }
    }
}
