package io.github.ascanalyticssync.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.github.ascanalyticssync.simulator.Model.AccessType;
import io.github.ascanalyticssync.simulator.Model.App;
import io.github.ascanalyticssync.simulator.Model.Granularity;
import io.github.ascanalyticssync.simulator.Model.Instance;
import io.github.ascanalyticssync.simulator.Model.Report;
import io.github.ascanalyticssync.simulator.Model.ReportRequest;
import io.github.ascanalyticssync.simulator.Model.Segment;
import io.github.ascanalyticssync.simulator.ReportCatalogue.ReportType;

/**
 * The simulated team: its apps, their report requests and everything those requests generate. Requests are the
 * only stored state; reports, instances and segments are computed from the seed, the request and the clock, so a
 * dataset of any size costs no memory until it is listed.
 */
public class World {

    private final SimulatorConfig config;
    private final SimulatorClock clock;
    private final ReportCatalogue catalogue;
    private final Schedule schedule;
    private final long seed;

    private List<App> apps;
    private Map<String, App> appsById;
    private final Map<String, ReportRequest> requests = new LinkedHashMap<>();
    private final AtomicLong created = new AtomicLong();
    private final Map<String, Instance> instancesById = new ConcurrentHashMap<>();
    private final Map<String, Segment> segmentsById = new ConcurrentHashMap<>();

    public World(SimulatorConfig config, SimulatorClock clock, ReportCatalogue catalogue) {
        this.config = config;
        this.clock = clock;
        this.catalogue = catalogue;
        this.schedule = new Schedule(config);
        this.seed = config.data().seed();
        reset();
    }

    /** Back to the configured start: the seeded apps and requests, relative to the current simulated today. */
    public synchronized void reset() {
        schedule.reset();
        List<String> ids = config.data().appIds().filter(l -> !l.isEmpty()).orElseGet(() -> {
            List<String> generated = new ArrayList<>();
            for (int i = 0; i < config.data().apps(); i++) {
                generated.add(Long.toString(1_000_000_000L + Long.remainderUnsigned(Ids.number(seed, "app", i), 8_999_999_999L)));
            }
            return generated;
        });
        List<App> list = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            list.add(new App(id, "Demo App " + (i + 1), "com.example.demo" + (i + 1), "DEMO" + (i + 1)));
        }
        apps = List.copyOf(list);
        appsById = new LinkedHashMap<>();
        apps.forEach(a -> appsById.put(a.id(), a));
        requests.clear();
        instancesById.clear();
        segmentsById.clear();
        created.set(0);
        int age = config.data().seedOngoingAgeDays();
        if (age >= 0) {
            LocalDate today = clock.today();
            for (App app : apps) {
                ReportRequest r = newRequest(app.id(), AccessType.ONGOING, today.minusDays(age));
                r.lastReadOn = today;
            }
        }
    }

    public List<App> apps() {
        return apps;
    }

    public Optional<App> app(String id) {
        return Optional.ofNullable(appsById.get(id));
    }

    /** The app's live (not deleted) requests, stopped ones included, oldest first. */
    public synchronized List<ReportRequest> requestsOf(String appId) {
        List<ReportRequest> out = new ArrayList<>();
        for (ReportRequest r : requests.values()) {
            if (r.appId.equals(appId) && r.deletedOn == null) {
                refresh(r);
                out.add(r);
            }
        }
        return out;
    }

    /** Every request ever created, deleted ones included (introspection). */
    public synchronized List<ReportRequest> allRequests() {
        requests.values().forEach(this::refresh);
        return List.copyOf(requests.values());
    }

    public synchronized Optional<ReportRequest> request(String id) {
        ReportRequest r = requests.get(id);
        if (r == null || r.deletedOn != null) {
            return Optional.empty();
        }
        refresh(r);
        return Optional.of(r);
    }

    /** Why a create is refused, or empty when it may go ahead. */
    public enum Refusal {
        SAME_ACCESS_TYPE_EXISTS, SNAPSHOT_TOO_RECENT
    }

    public synchronized Optional<Refusal> refusal(String appId, AccessType accessType) {
        LocalDate today = clock.today();
        for (ReportRequest r : requests.values()) {
            if (!r.appId.equals(appId) || r.accessType != accessType) {
                continue;
            }
            if (r.deletedOn == null) {
                return Optional.of(Refusal.SAME_ACCESS_TYPE_EXISTS);
            }
            if (accessType == AccessType.ONE_TIME_SNAPSHOT
                    && r.createdOn.plusDays(config.lifecycle().snapshotCooldownDays()).isAfter(today)) {
                return Optional.of(Refusal.SNAPSHOT_TOO_RECENT);
            }
        }
        return Optional.empty();
    }

    public synchronized ReportRequest create(String appId, AccessType accessType) {
        if (refusal(appId, accessType).isPresent()) {
            throw new IllegalStateException("create refused for app " + appId);
        }
        return newRequest(appId, accessType, clock.today());
    }

    public synchronized boolean delete(String id) {
        ReportRequest r = requests.get(id);
        if (r == null || r.deletedOn != null) {
            return false;
        }
        synchronized (r) {
            r.deletedOn = clock.today();
        }
        return true;
    }

    private ReportRequest newRequest(String appId, AccessType accessType, LocalDate createdOn) {
        String id = Ids.uuid(seed, "request", appId, accessType, created.incrementAndGet());
        SimulatorConfig.Lifecycle l = config.lifecycle();
        int spread = Math.max(0, l.firstInstanceMaxDays() - l.firstInstanceMinDays()) + 1;
        long delay = l.firstInstanceMinDays() + Long.remainderUnsigned(Ids.number(seed, "delay", id), spread);
        ReportRequest r = new ReportRequest(id, appId, accessType, createdOn, createdOn.plusDays(delay));
        requests.put(id, r);
        return r;
    }

    /** Sets {@code stoppedDueToInactivity} once the request went unread for longer than the configured period. */
    private void refresh(ReportRequest r) {
        synchronized (r) {
            LocalDate stopsOn = r.lastReadOn.plusDays(config.lifecycle().inactivityDays() + 1L);
            if (r.stoppedOn == null && r.accessType == AccessType.ONGOING && !clock.today().isBefore(stopsOn)) {
                r.stoppedOn = stopsOn;
            }
        }
    }

    /** Records a read of the request's data (reports, instances, segments), which keeps it from stopping. */
    public void markRead(ReportRequest r) {
        refresh(r);
        synchronized (r) {
            LocalDate today = clock.today();
            if (r.stoppedOn == null && today.isAfter(r.lastReadOn)) {
                r.lastReadOn = today;
            }
        }
    }

    public List<Report> reports(ReportRequest request) {
        List<ReportType> types = catalogue.all();
        int n = config.data().reports().orElse(types.size());
        List<Report> out = new ArrayList<>();
        for (ReportType t : types.subList(0, Math.min(n, types.size()))) {
            out.add(new Report(request, t));
        }
        return out;
    }

    /** Resolves {@code r<N>-<requestId>}. */
    public Optional<Report> report(String id) {
        int dash = id.indexOf('-');
        if (dash < 2 || id.charAt(0) != 'r') {
            return Optional.empty();
        }
        String code = id.substring(0, dash);
        return request(id.substring(dash + 1))
                .flatMap(req -> reports(req).stream().filter(r -> r.type().code().equals(code)).findFirst());
    }

    /** The instances of a report visible now: produced, within the report's history, published and not yet expired. */
    public List<Instance> instances(Report report) {
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
                        instancesById.put(instance.id(), instance);
                        out.add(instance);
                    }
                }
            }
        }
        return out;
    }

    /** The {@code Date} values an instance's rows carry: a DAILY ongoing instance restates its completeness window. */
    public List<LocalDate> dataDates(Instance i) {
        return Schedule.dataDates(i.report(), i.granularity(), i.processingDate());
    }

    /** When the instance appears (an hour of its processing date, the next day's if late; a snapshot's first-instance day). */
    public Instant publishedAt(Instance i) {
        return schedule.publishedAt(i);
    }

    /** The publication settings in force: publish hours and late share. */
    Schedule.Publishing publishing() {
        return schedule.publishing();
    }

    /** Changes the publication settings (until the next reset); IllegalArgumentException names a bad value. */
    void publishing(Schedule.Publishing settings) {
        schedule.set(settings);
    }

    private boolean published(Instance i) {
        return !schedule.publishedAt(i).isAfter(clock.now());
    }

    public Optional<Instance> instance(String id) {
        Instance found = instancesById.get(id);
        if (found == null) {
            indexEverything();
            found = instancesById.get(id);
        }
        return Optional.ofNullable(found).filter(i -> request(i.report().request().id).isPresent()).filter(this::published);
    }

    public List<Segment> segments(Instance instance) {
        SimulatorConfig.Data data = config.data();
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
            Segment s = new Segment(Ids.uuid(seed, "segment", instance.id(), index), instance, index, rows);
            segmentsById.put(s.id(), s);
            out.add(s);
        }
        return out;
    }

    public Optional<Segment> segment(String id) {
        Segment found = segmentsById.get(id);
        if (found == null) {
            indexEverything();
            found = segmentsById.get(id);
        }
        return Optional.ofNullable(found).filter(s -> request(s.instance().report().request().id).isPresent())
                .filter(s -> published(s.instance()));
    }

    /** Lists everything once so that ids handed out before a restart or a reset resolve again. */
    private void indexEverything() {
        Collection<ReportRequest> live;
        synchronized (this) {
            live = requests.values().stream().filter(r -> r.deletedOn == null).toList();
        }
        for (ReportRequest r : live) {
            for (Report report : reports(r)) {
                for (Instance i : instances(report)) {
                    segments(i);
                }
            }
        }
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }
}
