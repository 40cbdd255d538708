package io.github.ascanalyticssync.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.ascanalyticssync.simulator.Model.Instance;
import io.github.ascanalyticssync.simulator.Model.Report;
import io.github.ascanalyticssync.simulator.Model.ReportRequest;
import io.github.ascanalyticssync.simulator.Model.Segment;
import io.github.ascanalyticssync.simulator.SegmentFiles.FileMeta;
import io.vertx.core.MultiMap;

/** {@code GET /simulator/catalogue}: what a client that synced everything visible now should hold. */
final class CatalogueView {

    private final World world;
    private final SegmentFiles files;
    private final SimulatorClock clock;

    CatalogueView(World world, SegmentFiles files, SimulatorClock clock) {
        this.world = world;
        this.files = files;
        this.clock = clock;
    }

    /**
     * Every segment the live requests offer now (published by the simulated clock), with the checksum, size and rows
     * a client should end up with, and when its instance was published.
     * Filters: {@code appId}, {@code accessType}, {@code granularity}, {@code processingDate}, {@code category},
     * {@code report} (name).
     */
    Map<String, Object> render(MultiMap q) {
        Instant now = clock.now();
        List<Map<String, Object>> segments = new ArrayList<>();
        int instances = 0;
        for (ReportRequest r : world.allRequests()) {
            if (r.deleted() || (q.get("appId") != null && !q.get("appId").equals(r.appId()))
                    || (q.get("accessType") != null && !q.get("accessType").equals(r.accessType().name()))) {
                continue;
            }
            for (Report report : world.reports(r)) {
                if ((q.get("category") != null && !q.get("category").equals(report.type().category().name()))
                        || (q.get("report") != null && !q.get("report").equals(report.type().name()))) {
                    continue;
                }
                for (Instance i : world.instances(report)) {
                    if ((q.get("granularity") != null && !q.get("granularity").equals(i.granularity().name()))
                            || (q.get("processingDate") != null && !q.get("processingDate").equals(i.processingDate().toString()))) {
                        continue;
                    }
                    instances++;
                    for (Segment s : world.segments(i)) {
                        FileMeta meta = files.meta(s);
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("segmentId", s.id());
                        m.put("instanceId", i.id());
                        m.put("reportId", report.id());
                        m.put("reportName", report.type().name());
                        m.put("category", report.type().category());
                        m.put("appId", r.appId());
                        m.put("requestId", r.id());
                        m.put("accessType", r.accessType());
                        m.put("granularity", i.granularity());
                        m.put("processingDate", i.processingDate());
                        m.put("publishedAt", world.publishedAt(i));
                        m.put("checksum", meta.checksum());
                        m.put("sizeInBytes", meta.sizeInBytes());
                        m.put("rows", s.rows());
                        segments.add(m);
                    }
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", now);
        out.put("today", LocalDate.ofInstant(now, ZoneOffset.UTC));
        out.put("instances", instances);
        out.put("segmentCount", segments.size());
        out.put("segments", segments);
        return out;
    }
}
