package io.github.ascanalyticssync.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.ascanalyticssync.simulator.Model.AccessType;
import io.github.ascanalyticssync.simulator.Model.App;
import io.github.ascanalyticssync.simulator.Model.Instance;
import io.github.ascanalyticssync.simulator.Model.Report;
import io.github.ascanalyticssync.simulator.Model.ReportRequest;
import io.github.ascanalyticssync.simulator.Model.Segment;

/**
 * The simulated team: its apps, their report requests and everything those requests generate. Requests are the
 * only stored state; reports, instances and segments are computed from the seed, the request and the clock, so a
 * dataset of any size costs no memory until it is listed.
 */
public class World {

    private final SimulatorConfig config;
    private final SimulatorClock clock;
    private final Schedule schedule;
    private final RequestBook requests;
    private final Production production;
    private final long seed;

    private List<App> apps;
    private Map<String, App> appsById;
    private final Map<String, Instance> instancesById = new ConcurrentHashMap<>();
    private final Map<String, Segment> segmentsById = new ConcurrentHashMap<>();

    public World(SimulatorConfig config, SimulatorClock clock, ReportCatalogue catalogue) {
        this.config = config;
        this.clock = clock;
        this.schedule = new Schedule(config);
        this.requests = new RequestBook(config, clock);
        this.production = new Production(config, clock, catalogue, schedule);
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
        instancesById.clear();
        segmentsById.clear();
        requests.reset(apps.stream().map(App::id).toList());
    }

    public List<App> apps() {
        return apps;
    }

    public Optional<App> app(String id) {
        return Optional.ofNullable(appsById.get(id));
    }

    /** The app's live (not deleted) requests, stopped ones included, oldest first. */
    public synchronized List<ReportRequest> requestsOf(String appId) {
        return requests.of(appId);
    }

    /** Every request ever created, deleted ones included (introspection). */
    public synchronized List<ReportRequest> allRequests() {
        return requests.all();
    }

    public synchronized Optional<ReportRequest> request(String id) {
        return requests.get(id);
    }

    /** Why a create is refused, or empty when it may go ahead. */
    public enum Refusal {
        SAME_ACCESS_TYPE_EXISTS, SNAPSHOT_TOO_RECENT
    }

    public synchronized Optional<Refusal> refusal(String appId, AccessType accessType) {
        return requests.refusal(appId, accessType);
    }

    public synchronized ReportRequest create(String appId, AccessType accessType) {
        return requests.create(appId, accessType);
    }

    public synchronized boolean delete(String id) {
        return requests.delete(id);
    }

    /** Records a read of the request's data (reports, instances, segments), which keeps it from stopping. */
    public void markRead(ReportRequest r) {
        requests.markRead(r);
    }

    public List<Report> reports(ReportRequest request) {
        return production.reports(request);
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
        List<Instance> out = production.instances(report);
        out.forEach(i -> instancesById.put(i.id(), i));
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
        List<Segment> out = production.segments(instance);
        out.forEach(s -> segmentsById.put(s.id(), s));
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
            live = requests.live();
        }
        for (ReportRequest r : live) {
            for (Report report : reports(r)) {
                for (Instance i : instances(report)) {
                    segments(i);
                }
            }
        }
    }
}
