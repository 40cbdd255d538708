package io.github.ascanalyticssync.destination;

import java.util.Locale;

/**
 * Where a segment and a manifest go at every destination, Hive-style:
 * {@code app_id=<id>/access_type=<ONGOING|ONE_TIME_SNAPSHOT>/report=<slug>/granularity=<G>/processing_date=<YYYY-MM-DD>/<segment-id>.tsv.gz}.
 */
public final class Layout {

    public static final String MANIFEST = "_manifest.json";

    private Layout() {
    }

    /** "App Store Pre-Orders Standard" becomes "app-store-pre-orders-standard". */
    public static String slug(String reportName) {
        return reportName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    public static String instanceDir(String appId, String accessType, String reportName, String granularity, String processingDate) {
        return "app_id=" + appId + "/access_type=" + accessType + "/report=" + slug(reportName) + "/granularity=" + granularity + "/processing_date=" + processingDate;
    }

    public static String segmentFile(String instanceDir, String segmentId) {
        return instanceDir + "/" + segmentId + ".tsv.gz";
    }

    public static String manifestFile(String instanceDir) {
        return instanceDir + "/" + MANIFEST;
    }
}
