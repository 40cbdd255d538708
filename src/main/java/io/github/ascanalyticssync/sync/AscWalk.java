package io.github.ascanalyticssync.sync;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.spi.IdempotentRepository;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.AppStoreConnectClient;
import io.github.ascanalyticssync.api.AppStoreConnectClient.Page;

/**
 * The steps of the walk requests, reports, instances, segments that the routes call: which apps, which request,
 * which reports and granularities, one page at a time ({@code ascNext} holds the next page's URL).
 */
@ApplicationScoped
@Named("ascWalk")
public class AscWalk {

    private static final Logger LOG = Logger.getLogger(AscWalk.class);
    private static final Set<String> ALL_GRANULARITIES = Set.of("DAILY", "WEEKLY", "MONTHLY");

    @Inject
    SyncConfig config;

    @Inject
    AppStoreConnectClient api;

    @Inject
    @Named("instanceLedger")
    IdempotentRepository instanceLedger;

    @Inject
    SyncRun run;

    /** The configured apps, or every app the key can see. */
    public List<String> appIds() {
        List<String> configured = config.sync().appIds().orElse(List.of());
        if (!configured.isEmpty()) {
            return configured;
        }
        List<String> ids = new ArrayList<>();
        for (String next = "/v1/apps?limit=200&fields%5Bapps%5D=name"; next != null;) {
            Page page = api.page(next);
            page.data().forEach(app -> ids.add(String.valueOf(app.get("id"))));
            next = page.next();
        }
        LOG.infof("No asc.sync.app-ids configured: syncing all %d apps the key can see", ids.size());
        return ids;
    }

    /** The id of the app's active ONGOING request, or null (with a warning) when it has none. */
    @SuppressWarnings("unchecked")
    public String ongoingRequest(@Header("appId") String appId) {
        boolean stoppedSeen = false;
        for (String next = "/v1/apps/" + appId + "/analyticsReportRequests?" + q("filter[accessType]") + "=ONGOING&limit=200"; next != null;) {
            Page page = api.page(next);
            for (Map<String, Object> request : page.data()) {
                Map<String, Object> attributes = (Map<String, Object>) request.getOrDefault("attributes", Map.of());
                if (Boolean.TRUE.equals(attributes.get("stoppedDueToInactivity"))) {
                    stoppedSeen = true;
                } else {
                    return String.valueOf(request.get("id"));
                }
            }
            next = page.next();
        }
        String why = stoppedSeen ? "its ONGOING report request was stopped for inactivity" : "it has no ONGOING report request";
        run.appWithoutRequest(appId, why);
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

    public String instancesPath(@Header("reportId") String reportId) {
        String path = "/v1/analyticsReports/" + reportId + "/instances?limit=" + config.sync().pageLimit();
        Set<String> granularities = config.sync().granularities().stream().map(g -> g.trim().toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
        if (!granularities.equals(ALL_GRANULARITIES)) {
            path += "&" + q("filter[granularity]") + "=" + String.join(",", new java.util.TreeSet<>(granularities));
        }
        return path;
    }

    /** True for an instance not yet complete at every destination: only those get their segments listed. */
    public boolean isNew(@Header("instanceId") String instanceId) {
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
        List<Map<String, Object>> all = new ArrayList<>();
        for (String next = "/v1/analyticsReportInstances/" + instanceId + "/segments?limit=" + config.sync().pageLimit(); next != null;) {
            Page page = api.page(next);
            all.addAll(page.data());
            next = page.next();
        }
        return all;
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
