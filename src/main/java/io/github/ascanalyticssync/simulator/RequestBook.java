package io.github.ascanalyticssync.simulator;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.github.ascanalyticssync.simulator.Model.AccessType;
import io.github.ascanalyticssync.simulator.Model.ReportRequest;
import io.github.ascanalyticssync.simulator.World.Refusal;

/**
 * The report requests, the simulator's only stored state, and their lifecycle: creation (with Apple's refusals),
 * deletion, and the stop after a period without reads. The World calls it under its own lock; a request's dates are
 * changed under the request's lock.
 */
final class RequestBook {

    private final SimulatorConfig config;
    private final SimulatorClock clock;
    private final long seed;
    private final Map<String, ReportRequest> requests = new LinkedHashMap<>();
    private final AtomicLong created = new AtomicLong();

    RequestBook(SimulatorConfig config, SimulatorClock clock) {
        this.config = config;
        this.clock = clock;
        this.seed = config.data().seed();
    }

    /** Forgets every request; each app then gets a seeded ONGOING request unless the seeding age is negative. */
    void reset(List<String> appIds) {
        requests.clear();
        created.set(0);
        int age = config.data().seedOngoingAgeDays();
        if (age >= 0) {
            LocalDate today = clock.today();
            for (String appId : appIds) {
                ReportRequest r = newRequest(appId, AccessType.ONGOING, today.minusDays(age));
                r.lastReadOn = today;
            }
        }
    }

    /** The app's live (not deleted) requests, stopped ones included, oldest first. */
    List<ReportRequest> of(String appId) {
        List<ReportRequest> out = new ArrayList<>();
        for (ReportRequest r : requests.values()) {
            if (r.appId.equals(appId) && r.deletedOn == null) {
                refresh(r);
                out.add(r);
            }
        }
        return out;
    }

    /** Every request ever created, deleted ones included. */
    List<ReportRequest> all() {
        requests.values().forEach(this::refresh);
        return List.copyOf(requests.values());
    }

    /** The requests not deleted, as they are (not refreshed). */
    List<ReportRequest> live() {
        return requests.values().stream().filter(r -> r.deletedOn == null).toList();
    }

    Optional<ReportRequest> get(String id) {
        ReportRequest r = requests.get(id);
        if (r == null || r.deletedOn != null) {
            return Optional.empty();
        }
        refresh(r);
        return Optional.of(r);
    }

    Optional<Refusal> refusal(String appId, AccessType accessType) {
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

    ReportRequest create(String appId, AccessType accessType) {
        if (refusal(appId, accessType).isPresent()) {
            throw new IllegalStateException("create refused for app " + appId);
        }
        return newRequest(appId, accessType, clock.today());
    }

    boolean delete(String id) {
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
    void refresh(ReportRequest r) {
        synchronized (r) {
            LocalDate stopsOn = r.lastReadOn.plusDays(config.lifecycle().inactivityDays() + 1L);
            if (r.stoppedOn == null && r.accessType == AccessType.ONGOING && !clock.today().isBefore(stopsOn)) {
                r.stoppedOn = stopsOn;
            }
        }
    }

    /** Records a read of the request's data (reports, instances, segments), which keeps it from stopping. */
    void markRead(ReportRequest r) {
        refresh(r);
        synchronized (r) {
            LocalDate today = clock.today();
            if (r.stoppedOn == null && today.isAfter(r.lastReadOn)) {
                r.lastReadOn = today;
            }
        }
    }
}
