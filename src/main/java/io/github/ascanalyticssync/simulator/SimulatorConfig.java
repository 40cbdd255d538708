package io.github.ascanalyticssync.simulator;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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

    /** The simulated dataset and its publication ({@code asc.simulator.data.*}): see SimulatorData. */
    SimulatorData data();

    Storage storage();

    RateLimit rateLimit();

    /** Injected faults ({@code asc.simulator.faults.*}): see SimulatorFaults. */
    SimulatorFaults faults();

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

    enum Role {
        ADMIN, SALES_AND_REPORTS, FINANCE, DEVELOPER
    }
}
