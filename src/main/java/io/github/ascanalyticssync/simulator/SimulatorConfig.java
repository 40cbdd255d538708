package io.github.ascanalyticssync.simulator;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Settings of the built-in App Store Connect simulator ({@code asc.simulator.*}). Every value that the public
 * reference marks as UNCONFIRMED is a setting here, so the simulator can be bent to match the live API.
 */
// loaded by name by the unknown-setting check (META-INF/asc-config-mappings.properties), also in a native image
@io.quarkus.runtime.annotations.RegisterForReflection
@ConfigMapping(prefix = "asc.simulator")
public interface SimulatorConfig {

    /** Whether the application starts the simulator in its process (SimulatorStarter). Off in prod, on in dev. */
    @WithDefault("false")
    boolean enabled();

    /** Address both simulator servers bind to. */
    @WithDefault("127.0.0.1")
    String host();

    /** Port of the App Store Connect API endpoint ({@code /v1/...}); 0 picks a free port. */
    @WithDefault("8091")
    int apiPort();

    /** Port of the object-storage endpoint that serves segment files; 0 picks a free port. */
    @WithDefault("8092")
    int storagePort();

    /** Issuer id of the simulated team (the {@code iss} claim of team keys). */
    @WithDefault("69a6de70-03db-47e3-e053-5b8c7c11a4d1")
    String issuerId();

    /** API keys the simulator accepts, by key id ({@code kid}). */
    Map<String, ApiKey> keys();

    Auth auth();

    Paging paging();

    Lifecycle lifecycle();

    Data data();

    Storage storage();

    RateLimit rateLimit();

    Faults faults();

    interface ApiKey {
        /** ADMIN, SALES_AND_REPORTS, FINANCE or DEVELOPER. */
        @WithDefault("ADMIN")
        Role role();

        /** The key's public key, PEM text or a path to a PEM file (SubjectPublicKeyInfo or the .p8 itself). */
        String publicKey();

        /** An individual key: tokens carry {@code sub: "user"} and no {@code iss}. */
        @WithDefault("false")
        boolean individual();

        /**
         * The matching .p8 (PEM or path), for demo keys only: lets {@code POST /simulator/token} mint tokens for curl.
         */
        Optional<String> privateKey();
    }

    interface Auth {
        /** Longest accepted token lifetime ({@code exp - iat}), in seconds. Apple: 20 minutes. */
        @WithDefault("1200")
        long maxLifetimeSeconds();

        /** Clock skew tolerated on {@code iat} and {@code exp}, in seconds. */
        @WithDefault("60")
        long clockSkewSeconds();
    }

    interface Paging {
        @WithDefault("50")
        int defaultLimit();

        @WithDefault("200")
        int maxLimit();

        /** Largest {@code limit[reports]} for {@code include=reports}. */
        @WithDefault("50")
        int maxIncludedLimit();

        /** Included report linkages per request when {@code limit[reports]} is absent (UNCONFIRMED). */
        @WithDefault("10")
        int defaultIncludedLimit();
    }

    interface Lifecycle {
        /** Days without a read after which a request becomes {@code stoppedDueToInactivity} (UNCONFIRMED). */
        @WithDefault("30")
        int inactivityDays();

        /** A ONE_TIME_SNAPSHOT may be created once per this many days, deleted ones included. */
        @WithDefault("31")
        int snapshotCooldownDays();

        /** Days an instance stays listed. */
        @WithDefault("35")
        int retentionDays();

        /** Earliest and latest delay, in days, between a request's creation and its first instances. */
        @WithDefault("1")
        int firstInstanceMinDays();

        @WithDefault("2")
        int firstInstanceMaxDays();

        /**
         * First {@code Date} of the history a ONE_TIME_SNAPSHOT delivers (no instance carries an earlier one), for the
         * reports whose catalogue line names no date of their own.
         */
        @WithDefault("2024-01-01")
        LocalDate snapshotHistoryStart();
    }

    interface Data {
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

    interface Storage {
        /** Lifetime of a presigned URL, {@code X-Amz-Expires}. */
        @WithDefault("300")
        int urlExpirySeconds();

        /** Base URL written into presigned URLs; {@code http://<host>:<storage-port>} when absent. */
        Optional<String> publicBaseUrl();

        /** HMAC key of the simulated signatures. */
        @WithDefault("simulator-signing-key")
        String signingKey();
    }

    interface RateLimit {
        /** Calls per key in a rolling hour ({@code user-hour-lim}). */
        @WithDefault("3600")
        int perHour();

        /** Seconds announced in {@code Retry-After} on a 429 (Apple documents no such header); absent: none. */
        OptionalInt retryAfterSeconds();

        /** The rolling window of the quota: Apple's is an hour; tests shorten it. */
        @WithDefault("1h")
        java.time.Duration window();
    }

    /** Injected faults, all off by default. Each can also be changed at run time through {@code /simulator/faults}. */
    interface Faults {
        /** Seed of the random draws that decide probabilistic faults. */
        @WithDefault("7")
        long seed();

        @WithName("server-error")
        Fault serverError();

        @WithName("unavailable")
        Fault unavailable();

        @WithName("rate-limit-burst")
        Fault rateLimitBurst();

        @WithName("malformed-json")
        Fault malformedJson();

        /** 401 NOT_AUTHORIZED for a valid token, as when Apple rejects a token it issued nothing wrong with. */
        @WithName("not-authorized")
        Fault notAuthorized();

        /** 403 "Request has expired" on a download whose URL is still valid. */
        @WithName("expire")
        Fault expire();

        /** Latency added to every API call: a fixed part plus a uniform random jitter. */
        @WithDefault("0")
        long latencyFixedMs();

        @WithDefault("0")
        long latencyJitterMs();

        @WithName("reset")
        Fault reset();

        @WithName("truncate")
        Fault truncate();

        @WithName("corrupt")
        Fault corrupt();

        /** Download bandwidth cap in bytes per second; 0 means none. */
        @WithDefault("0")
        long bandwidthBytesPerSecond();
    }

    /** When a fault fires: with a probability, on every n-th eligible call, at most a number of times. */
    interface Fault {
        @WithDefault("0")
        double probability();

        /** Fire on every n-th eligible call (1 = every call); 0 means no schedule. */
        @WithDefault("0")
        int every();

        /** Stop after this many injections; negative means no limit. */
        @WithDefault("-1")
        int limit();
    }

    enum Role {
        ADMIN, SALES_AND_REPORTS, FINANCE, DEVELOPER
    }
}
