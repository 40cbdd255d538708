package io.github.ascanalyticssync.sync;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import io.quarkus.runtime.annotations.RegisterForReflection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.spi.IdempotentRepository;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.ApiStats;
import io.github.ascanalyticssync.api.AppStoreConnectClient;
import io.github.ascanalyticssync.api.AppStoreConnectException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.ascanalyticssync.api.AppStoreConnectClient.Page;
import io.github.ascanalyticssync.ledger.StateStore;

/**
 * The steps of the walk requests, reports, instances, segments that the routes call: which apps, which request,
 * which reports and granularities, one page at a time ({@code ascNext} holds the next page's URL).
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("ascWalk")
public class AscWalk {

    private static final Logger LOG = Logger.getLogger(AscWalk.class);
    private static final Set<String> ALL_GRANULARITIES = Set.of("DAILY", "WEEKLY", "MONTHLY");
    static final String ONGOING = "ONGOING";
    static final String SNAPSHOT = "ONE_TIME_SNAPSHOT";

    @Inject
    SyncConfig config;

    @Inject
    AppStoreConnectClient api;

    @Inject
    @Named("instanceLedger")
    IdempotentRepository instanceLedger;

    @Inject
    SyncRun run;

    @Inject
    Watermarks watermarks;

    @Inject
    StateStore state;

    @Inject
    ApiStats apiStats;

    /** The configured apps, or every app the key can see, less the excluded ones. */
    public List<String> appIds() {
        List<String> excluded = config.sync().excludeAppIds().orElse(List.of());
        return allAppIds().stream().filter(id -> !excluded.contains(id)).toList();
    }

    private List<String> allAppIds() {
        List<String> configured = config.sync().appIds().orElse(List.of());
        if (!configured.isEmpty()) {
            return configured;
        }
        List<String> ids = api.all("/v1/apps?limit=200&fields%5Bapps%5D=name").stream().map(app -> String.valueOf(app.get("id"))).toList();
        LOG.infof("No asc.sync.app-ids configured: syncing all %d apps the key can see", ids.size());
        return ids;
    }

    /**
     * The report requests to walk for the app, each as {@code id} and {@code accessType}: its active ONGOING request
     * (created when there is none, replaced when stopped for inactivity, unless read-only), and its ONE_TIME_SNAPSHOT
     * when {@code asc.sync.snapshot=true}. A request the app cannot have now is reported, and the others go on.
     */
    public List<Map<String, String>> requests(@Header("appId") String appId) {
        List<Map<String, Object>> requests = listRequests(appId);
        List<Map<String, String>> walk = new ArrayList<>();
        String ongoing = ongoingRequest(appId, requests);
        if (ongoing != null) {
            walk.add(Map.of("id", ongoing, "accessType", ONGOING));
        }
        if (config.sync().snapshot()) {
            String snapshot = snapshotRequest(appId, requests);
            if (snapshot != null) {
                walk.add(Map.of("id", snapshot, "accessType", SNAPSHOT));
            }
        }
        return walk;
    }

    private String ongoingRequest(String appId, List<Map<String, Object>> all) {
        List<Map<String, Object>> requests = ofType(all, ONGOING);
        Map<String, Object> active = firstActive(requests);
        if (active != null) {
            return String.valueOf(active.get("id"));
        }
        boolean stopped = !requests.isEmpty();
        if (config.sync().readOnly() || (stopped && !config.sync().replaceStopped())) {
            run.appWithoutRequest(appId, stopped
                    ? "its ONGOING report request was stopped for inactivity; an Admin key must replace it (asc.sync.replace-stopped=true)"
                    : "it has no ONGOING report request, and asc.sync.read-only=true; an Admin key must create it once");
            return null;
        }
        try {
            if (stopped) {
                for (Map<String, Object> request : requests) {
                    api.delete("/v1/analyticsReportRequests/" + request.get("id"));
                    LOG.infof("App %s: deleted report request %s, stopped for inactivity", appId, request.get("id"));
                }
            }
            String id = create(appId, ONGOING);
            LOG.infof("App %s: created ONGOING report request %s; Apple publishes its first reports one to two days later", appId, id);
            return id;
        } catch (AppStoreConnectException e) {
            if (e.status() == 409) {
                // another replica or sync created it meanwhile: use that one
                Map<String, Object> raced = firstActive(ofType(listRequests(appId), ONGOING));
                if (raced != null) {
                    LOG.infof("App %s: another sync created the ONGOING request %s meanwhile; using it", appId, raced.get("id"));
                    return String.valueOf(raced.get("id"));
                }
                run.appWithoutRequest(appId, "App Store Connect refused to create an ONGOING request (409 " + e.code()
                        + "): another request of that type is in the way");
                return null;
            }
            return forbidden(appId, ONGOING, e);
        }
    }

    /**
     * The app's ONE_TIME_SNAPSHOT request: the existing one, else a new one when the key may create it and Apple's
     * once-per-31-days rule allows (the date of this installation's last request is kept in the state store, so a
     * refused POST is not repeated every sync).
     */
    private String snapshotRequest(String appId, List<Map<String, Object>> all) {
        List<Map<String, Object>> snapshots = ofType(all, SNAPSHOT);
        if (!snapshots.isEmpty()) {
            return String.valueOf(snapshots.get(0).get("id"));
        }
        if (config.sync().readOnly()) {
            run.appWithoutRequest(appId, "it has no ONE_TIME_SNAPSHOT request, and asc.sync.read-only=true: an Admin key must create it");
            return null;
        }
        LocalDate today = apiStats.serverToday();
        String askedKey = "snapshot-requested/" + appId;
        LocalDate asked = state.get(askedKey).map(LocalDate::parse).orElse(null);
        int cooldown = config.sync().snapshotCooldownDays();
        if (asked != null && asked.plusDays(cooldown).isAfter(today)) {
            run.appWithoutRequest(appId, "no ONE_TIME_SNAPSHOT request exists, and this installation asked for one on " + asked
                    + "; Apple allows one per app every " + cooldown + " days (deleted ones count), so the next can be asked for on "
                    + asked.plusDays(cooldown));
            return null;
        }
        try {
            String id = create(appId, SNAPSHOT);
            state.put(askedKey, today.toString());
            LOG.infof("App %s: created ONE_TIME_SNAPSHOT report request %s; Apple publishes its history within a day or two, "
                    + "delivered by the syncs that run with asc.sync.snapshot=true from then on", appId, id);
            return id;
        } catch (AppStoreConnectException e) {
            if (e.status() == 409) {
                List<Map<String, Object>> raced = ofType(listRequests(appId), SNAPSHOT);
                if (!raced.isEmpty()) {
                    return String.valueOf(raced.get(0).get("id"));
                }
                state.put(askedKey, today.toString());
                run.appWithoutRequest(appId, "App Store Connect refused a ONE_TIME_SNAPSHOT (409 " + e.code() + "): Apple allows one per app"
                        + " about every " + cooldown + " days, counting deleted ones, so one was asked for recently (here or elsewhere);"
                        + " this installation tries again on " + today.plusDays(cooldown) + " at the earliest");
                return null;
            }
            return forbidden(appId, SNAPSHOT, e);
        }
    }

    /** A create refused with 403 (the key's role may not create requests) is explained; anything else is rethrown. */
    private String forbidden(String appId, String accessType, AppStoreConnectException e) {
        if (e.status() != 403) {
            throw e;
        }
        run.appWithoutRequest(appId, "the API key may not create report requests (403): an Admin key must create the app's " + accessType
                + " request" + (ONGOING.equals(accessType)
                        ? " once; keys with the Sales and Reports or Finance role can read it afterwards (asc.sync.read-only=true)" : ""));
        return null;
    }

    private String create(String appId, String accessType) {
        JsonNode created = api.post("/v1/analyticsReportRequests", Map.of("data", Map.of("type", "analyticsReportRequests",
                "attributes", Map.of("accessType", accessType),
                "relationships", Map.of("app", Map.of("data", Map.of("type", "apps", "id", appId))))));
        return created.path("data").path("id").asText();
    }

    /** All the app's live requests, both access types, in one listing. */
    private List<Map<String, Object>> listRequests(String appId) {
        return api.all("/v1/apps/" + appId + "/analyticsReportRequests?limit=200&" + q("fields[analyticsReportRequests]")
                + "=accessType,stoppedDueToInactivity");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> ofType(List<Map<String, Object>> requests, String accessType) {
        return requests.stream()
                .filter(r -> accessType.equals(((Map<String, Object>) r.getOrDefault("attributes", Map.of())).get("accessType"))).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstActive(List<Map<String, Object>> requests) {
        for (Map<String, Object> request : requests) {
            Map<String, Object> attributes = (Map<String, Object>) request.getOrDefault("attributes", Map.of());
            if (!Boolean.TRUE.equals(attributes.get("stoppedDueToInactivity"))) {
                return request;
            }
        }
        return null;
    }

    public String reportsPath(@Header("requestId") String requestId) {
        String path = "/v1/analyticsReportRequests/" + requestId + "/reports?limit=" + config.sync().pageLimit();
        List<String> categories = config.sync().categories().orElse(List.of());
        if (!categories.isEmpty()) {
            path += "&" + q("filter[category]") + "=" + q(String.join(",", categories));
        }
        return path;
    }

    /**
     * Whether a report is selected. Names are compared client-side, ignoring case and punctuation, because Apple's
     * names drift ("Pre-Orders" and "Pre-orders"); the one listing call fetches all of a request's reports anyway.
     */
    @SuppressWarnings("unchecked")
    public boolean wantsReport(Map<String, Object> report) {
        if (run.stopping()) {
            return false;
        }
        List<String> names = config.sync().reportNames().orElse(List.of());
        if (names.isEmpty()) {
            return true;
        }
        Object name = ((Map<String, Object>) report.getOrDefault("attributes", Map.of())).get("name");
        String normalized = normalize(String.valueOf(name));
        return names.stream().map(AscWalk::normalize).anyMatch(normalized::equals);
    }

    static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /**
     * The first page of a report's instances: {@code filter[granularity]} when not all three are wanted, and
     * {@code filter[processingDate]} with the days that can hold something new once the report was listed before.
     */
    public String instancesPath(Exchange exchange) {
        Message m = exchange.getMessage();
        String path = "/v1/analyticsReports/" + m.getHeader("reportId") + "/instances?limit=" + config.sync().pageLimit();
        Set<String> granularities = granularities(config);
        if (!granularities.equals(ALL_GRANULARITIES)) {
            path += "&" + q("filter[granularity]") + "=" + String.join(",", granularities);
        }
        String dates = watermarks.processingDates(m.getHeader("appId", String.class), m.getHeader("reportName", String.class),
                m.getHeader("accessType", String.class));
        if (dates != null) {
            path += "&" + q("filter[processingDate]") + "=" + dates;
        }
        return path;
    }

    /** The selected granularities, upper case and sorted. */
    static Set<String> granularities(SyncConfig config) {
        return config.sync().granularities().stream().map(g -> g.trim().toUpperCase(Locale.ROOT))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** True for an instance not yet complete at every destination: only those get their segments listed. */
    public boolean isNew(@Header("instanceId") String instanceId) {
        if (run.stopping()) {
            return false;
        }
        boolean complete = instanceLedger.contains(instanceId);
        if (complete) {
            run.instanceAlreadyComplete();
        }
        return !complete;
    }

    /** Fetches the page at header {@code ascNext} into the body and moves {@code ascNext} on (removed on the last page). */
    public void page(Exchange exchange) {
        Page page = api.page(exchange.getMessage().getHeader("ascNext", String.class));
        exchange.getMessage().setBody(page.data());
        if (page.next() == null) {
            exchange.getMessage().removeHeader("ascNext");
        } else {
            exchange.getMessage().setHeader("ascNext", page.next());
        }
    }

    /** Every segment of an instance, with fresh URLs. */
    public List<Map<String, Object>> segments(@Header("instanceId") String instanceId) {
        return api.all("/v1/analyticsReportInstances/" + instanceId + "/segments?limit=" + config.sync().pageLimit());
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
