package io.github.ascanalyticssync.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.github.ascanalyticssync.simulator.Model.AccessType;
import io.github.ascanalyticssync.simulator.Model.Granularity;
import io.github.ascanalyticssync.simulator.Model.Instance;
import io.github.ascanalyticssync.simulator.Model.Report;
import io.github.ascanalyticssync.simulator.Model.ReportRequest;
import io.github.ascanalyticssync.simulator.Model.Segment;
import io.github.ascanalyticssync.simulator.ReportCatalogue.ReportType;

/**
 * What a request produces, computed from the seed, the request and the clock: its reports, their instances visible
 * now, and each instance's segments.
 */
final class Production {

    private final SimulatorConfig config;
    private final SimulatorClock clock;
    private final ReportCatalogue catalogue;
    private final Schedule schedule;
    private final long seed;

    Production(SimulatorConfig config, SimulatorClock clock, ReportCatalogue catalogue, Schedule schedule) {
        this.config = config;
        this.clock = clock;
        this.catalogue = catalogue;
        this.schedule = schedule;
        this.seed = config.data().seed();
    }

    List<Report> reports(ReportRequest request) {
        List<ReportType> types = catalogue.all();
        int n = config.data().reports().orElse(types.size());
        List<Report> out = new ArrayList<>();
        for (ReportType t : types.subList(0, Math.min(n, types.size()))) {
            out.add(new Report(request, t));
        }
        return out;
    }

    /** The instances of a report visible now: produced, within the report's history, published and not yet expired. */
    List<Instance> instances(Report report) {
        ReportRequest q = report.request();
        Instant now = clock.now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        int retention = config.lifecycle().retentionDays();
        List<Instance> out = new ArrayList<>();
        LocalDate from;
        LocalDate to;
        if (q.accessType == AccessType.ONGOING) {
            from = max(q.firstInstanceOn, today.minusDays(retention - 1L));
            to = today;
            LocalDate stoppedOn = q.stoppedOn();
            if (stoppedOn != null && !stoppedOn.isAfter(to)) {
                to = stoppedOn.minusDays(1);
            }
        } else {
            if (today.isBefore(q.firstInstanceOn) || today.isAfter(q.firstInstanceOn.plusDays(retention - 1L))) {
                return out;
            }
            from = schedule.historyStart(report.type());
            to = q.createdOn;
        }
        List<LocalDate> skipped = q.accessType == AccessType.ONGOING ? config.data().skippedDates().orElse(List.of()) : List.of();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            if (skipped.contains(d)) {
                continue;
            }
            for (Granularity g : report.type().granularities()) {
                if (Schedule.produces(g, d) && schedule.withinHistory(report, g, d)) {
                    Instance instance = new Instance(Ids.uuid(seed, "instance", report.id(), g, d), report, g, d);
                    if (!schedule.publishedAt(instance).isAfter(now)) {
                        out.add(instance);
                    }
                }
            }
        }
        return out;
    }

    List<Segment> segments(Instance instance) {
        SimulatorData data = config.data();
        List<Segment> out = new ArrayList<>();
        if (Ids.fraction(seed, "empty", instance.id()) < data.emptyInstanceRatio()) {
            return out;
        }
        int count = 1 + (int) Long.remainderUnsigned(Ids.number(seed, "segments", instance.id()), Math.max(1, data.maxSegmentsPerInstance()));
        ReportType type = instance.report().type();
        Long override = data.reportRows().getOrDefault(type.code(), data.reportRows().get(type.name()));
        for (int index = 0; index < count; index++) {
            long rows;
            if (override != null) {
                rows = override;
            } else {
                double f = Ids.fraction(seed, "rows", instance.id(), index);
                rows = f < 0.05 ? 0 : Math.round(data.rowsPerSegment() * (0.5 + f));
            }
            out.add(new Segment(Ids.uuid(seed, "segment", instance.id(), index), instance, index, rows));
        }
        return out;
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }
}
