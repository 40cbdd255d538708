package io.github.ascanalyticssync.walk;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Variable;

import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.config.SyncConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the walk lists (routes/sync.yaml): the path of a request's reports and of a report's instances (its filters),
 * and which reports the selection keeps. Which instances still need their segments is {@code Deliveries.isNew}'s.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("ascWalk")
public class AscWalk {

    private static final Set<String> ALL_GRANULARITIES = Set.of("DAILY", "WEEKLY", "MONTHLY");

    @Inject
    SyncConfig config;

    @Inject
    CurrentRun run;

    @Inject
    Watermarks watermarks;

    public String reportsPath(@Variable("requestId") String requestId) {
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
    public boolean wantsReport(JsonApi.Resource report) {
        if (run.stopping()) {
            return false;
        }
        List<String> names = config.sync().reportNames().orElse(List.of());
        if (names.isEmpty()) {
            return true;
        }
        String normalized = normalize(String.valueOf(report.attributes().name()));
        return names.stream().map(AscWalk::normalize).anyMatch(normalized::equals);
    }

    static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /**
     * The first page of a report's instances: {@code filter[granularity]} when not all three are wanted, and
     * {@code filter[processingDate]} with the days that can hold something new once the report was listed before.
     */
    public String instancesPath(@Variable("appId") String appId, @Variable("reportId") String reportId,
            @Variable("reportName") String reportName, @Variable("accessType") String accessType) {
        String path = "/v1/analyticsReports/" + reportId + "/instances?limit=" + config.sync().pageLimit();
        Set<String> granularities = granularities(config);
        if (!granularities.equals(ALL_GRANULARITIES)) {
            path += "&" + q("filter[granularity]") + "=" + String.join(",", granularities);
        }
        String dates = watermarks.processingDates(appId, reportName, accessType);
        if (dates != null) {
            path += "&" + q("filter[processingDate]") + "=" + dates;
        }
        return path;
    }

    /** The selected granularities, upper case and sorted. */
    static Set<String> granularities(SyncConfig config) {
        return config.sync().granularities().stream().map(g -> g.trim().toUpperCase(Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
