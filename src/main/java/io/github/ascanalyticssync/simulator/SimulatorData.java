package io.github.ascanalyticssync.simulator;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.WithDefault;

/** Settings of the simulated dataset ({@code asc.simulator.data.*}), a group of SimulatorConfig. */
// registered for reflection as SimulatorConfig is: the unknown-setting check walks the groups, also in a native image
@io.quarkus.runtime.annotations.RegisterForReflection
public interface SimulatorData {
    /** Seed of every generated id, row and value: the same seed gives the same catalogue. */
    @WithDefault("20240101")
    long seed();

    /** Number of generated apps, used when {@link #appIds()} is empty. */
    @WithDefault("2")
    int apps();

    /** Explicit app ids (numeric Apple ids); generated ones when empty. */
    Optional<List<String>> appIds();

    /**
     * Each app starts with an ONGOING request created this many days before "today", so a new user sees
     * instances at once; negative: apps start with no request.
     */
    @WithDefault("4")
    int seedOngoingAgeDays();

    /**
     * The simulated "today", standing for 23:59:59 UTC of that day (everything published that day is visible); the
     * clock then stands still until moved through {@code /simulator/clock}. Absent: the real time.
     */
    Optional<LocalDate> today();

    /**
     * What the {@code Date} header of every API response says: {@code simulated} (the simulated clock) or
     * {@code real} (this machine's clock). Apple's header is the time of its servers; without {@link #today()}
     * the simulated clock is the real time, so both agree. With a set clock the simulator stands for Apple at
     * that moment, and clients date processing days by this header (the sync's idea of "today" and of the
     * hour follows it), so {@code simulated} is the default: a simulated day stays coherent for the client.
     * {@code real} keeps the header on the wall clock whatever the simulated date, for clients that compare
     * it with their own clock.
     */
    @WithDefault("simulated")
    DateHeader dateHeader();

    /** See {@link #dateHeader()}. */
    enum DateHeader {
        SIMULATED,
        REAL
    }

    /**
     * UTC hours at which the instances of a processing date appear, each instance at one of them drawn from the
     * seed: hours and ranges, comma-separated ({@code 0-23}, {@code 4-9,18}). UNCONFIRMED.
     */
    @WithDefault("0-23")
    String publishHours();

    /**
     * Whether a report's instances appear at about the same hour every day ({@code per-report}: one hour per
     * report drawn among the publish hours, each instance within {@code publish-hour-spread} hours of it) or each
     * at an hour of its own ({@code per-instance}: drawn among the publish hours per instance). UNCONFIRMED.
     */
    @WithDefault("per-instance")
    String publishHourMode();

    /** per-report: each instance's hour is its report's hour plus or minus up to this many hours (within 0-23). */
    @WithDefault("0")
    int publishHourSpread();

    /** Share of ongoing instances that appear a day late: same processing date, visible the next day. UNCONFIRMED. */
    @WithDefault("0.02")
    double lateShare();

    /**
     * Processing dates on which Apple publishes no ONGOING instance at all, as it sometimes does (a permanent gap
     * the client should report).
     */
    Optional<List<LocalDate>> skippedDates();

    /** Most segments in one instance. */
    @WithDefault("3")
    int maxSegmentsPerInstance();

    /**
     * Share of instances that have no segment at all. Apple documents at least one segment per instance (the
     * OpenAPI spec's segments relationship and every observed instance), so none by default; a share above 0
     * makes the malformed case for tests of a client's robustness.
     */
    @WithDefault("0")
    double emptyInstanceRatio();

    /** Average data rows in one segment (varies +-50%, some segments hold only the header). */
    @WithDefault("40")
    int rowsPerSegment();

    /** Rows per segment for chosen reports, by report code ({@code r2}) or exact name: makes huge segments. */
    Map<String, Long> reportRows();

    /** gzip level of segment files, 0 (stored) to 9. */
    @WithDefault("6")
    int compressionLevel();

    /** How many of the catalogue's reports each request offers, from the top; all when absent. */
    OptionalInt reports();
}
