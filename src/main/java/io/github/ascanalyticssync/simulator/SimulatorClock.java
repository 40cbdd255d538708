package io.github.ascanalyticssync.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * The simulated time that drives instance publication, inactivity and the snapshot rule. It follows the real time
 * until it is set; once set it stands still until it is set or advanced again (tests move it through
 * {@code /simulator/clock}). A date without a time means the last second of that day, 23:59:59 UTC, so that
 * everything published that day is visible. Token lifetimes, URL expiry and the rolling rate-limit hour use real
 * time, as Apple's servers do.
 */
public class SimulatorClock {

    private static final LocalTime END_OF_DAY = LocalTime.of(23, 59, 59);

    private final Clock wallClock = Clock.systemUTC();
    private volatile Instant fixed;

    private final Instant configured;

    SimulatorClock(SimulatorConfig config) {
        this.configured = config.data().today().map(SimulatorClock::endOfDay).orElse(null);
        this.fixed = configured;
    }

    /** 23:59:59 UTC on {@code day}: what a date without a time of day stands for. */
    public static Instant endOfDay(LocalDate day) {
        return day.atTime(END_OF_DAY).toInstant(ZoneOffset.UTC);
    }

    /** Back to the configured date, or to following the real time. */
    public synchronized void reset() {
        this.fixed = configured;
    }

    public Instant now() {
        Instant f = fixed;
        return f != null ? f : wallClock.instant();
    }

    /** The UTC date of {@link #now()}. */
    public LocalDate today() {
        return LocalDate.ofInstant(now(), ZoneOffset.UTC);
    }

    /** Whether the clock was set (it stands still) rather than following the real time. */
    public boolean isSet() {
        return fixed != null;
    }

    /** Sets the clock to the end of {@code today} (23:59:59 UTC). */
    public synchronized LocalDate set(LocalDate today) {
        set(endOfDay(today));
        return today;
    }

    public synchronized Instant set(Instant now) {
        this.fixed = now;
        return now;
    }

    public synchronized LocalDate advanceDays(long days) {
        return LocalDate.ofInstant(set(now().plus(Duration.ofDays(days))), ZoneOffset.UTC);
    }

    public synchronized Instant advanceHours(long hours) {
        return set(now().plus(Duration.ofHours(hours)));
    }

    public Clock wallClock() {
        return wallClock;
    }
}
