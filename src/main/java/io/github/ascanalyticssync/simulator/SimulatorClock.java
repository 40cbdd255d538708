package io.github.ascanalyticssync.simulator;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The simulated "today" that drives instance generation, inactivity and the snapshot rule. It follows the real UTC
 * date until it is set; tests set and advance it through {@code /simulator/clock}. Token lifetimes, URL expiry and
 * the rolling rate-limit hour use real time, as Apple's servers do.
 */
public class SimulatorClock {

    private final Clock wallClock = Clock.systemUTC();
    private volatile LocalDate fixed;

    private final LocalDate configured;

    SimulatorClock(SimulatorConfig config) {
        this.configured = config.data().today().orElse(null);
        this.fixed = configured;
    }

    /** Back to the configured date, or to following the real date. */
    public synchronized void reset() {
        this.fixed = configured;
    }

    public LocalDate today() {
        LocalDate f = fixed;
        return f != null ? f : LocalDate.now(wallClock.withZone(ZoneOffset.UTC));
    }

    public synchronized LocalDate set(LocalDate today) {
        this.fixed = today;
        return today;
    }

    public synchronized LocalDate advanceDays(long days) {
        return set(today().plusDays(days));
    }

    public Clock wallClock() {
        return wallClock;
    }
}
