package io.github.ascanalyticssync.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings of the sync ({@code asc.*}): the App Store Connect account, what to sync, where state and files go. */
@ConfigMapping(prefix = "asc")
public interface SyncConfig {

    Api api();

    Sync sync();

    State state();

    Destinations destinations();

    Cluster cluster();

    Seed seed();

    Routes routes();

    /** Where the routes come from besides the built-in ones (RouteSources). */
    interface Routes {
        /** A folder whose *.yaml routes are read on top of the built-in ones (a file named like a built-in one replaces it). */
        Optional<Path> dir();
    }

    /** Several replicas: apps hashed into shards, each shard synced only by the replica that leads it. */
    interface Cluster {
        @WithDefault("false")
        boolean enabled();

        /** Apps are hashed (CRC-32 of the id) into this many shards; leadership of each is elected on its own. */
        @WithDefault("8")
        int shards();

        /** {@code kubernetes}: Leases in the pod's namespace; {@code file}: locks in a shared folder (one host, tests). */
        @WithDefault("file")
        ClusterService service();

        /** This replica's name among the members; the pod name (HOSTNAME) when unset. */
        Optional<String> memberId();

        /**
         * A replica competes at once for about half of the shards (by a hash of its member id), and for the rest only
         * after this delay: so shards spread over replicas that start together.
         */
        @WithDefault("PT10S")
        Duration deferOthers();

        /** The shared folder of the file-lock cluster service. */
        @WithDefault("data/cluster")
        Path lockDir();

        /** How often a replica tries to take a shard whose leader is gone (file-lock service). */
        @WithDefault("PT2S")
        Duration acquireLockInterval();

        /** Kubernetes: the Leases' namespace (the pod's own when unset). */
        Optional<String> kubernetesNamespace();

        /** Kubernetes: a lease not renewed for this long is taken over. */
        @WithDefault("PT15S")
        Duration leaseDuration();

        @WithDefault("PT10S")
        Duration renewDeadline();

        @WithDefault("PT2S")
        Duration retryPeriod();
    }

    enum ClusterService {
        FILE, KUBERNETES;
    }

    interface Api {
        /** Base URL of the App Store Connect API; Apple's when unset (a simulator, even in this process, only when set here). */
        Optional<String> baseUrl();

        /** Issuer id of a team key (Users and Access, Integrations). Not used with an individual key. */
        Optional<String> issuerId();

        /** The key id ({@code kid}), e.g. 2X9R4HXF34. */
        Optional<String> keyId();

        /** Path of the .p8 file (or {@code classpath:...}). */
        Optional<String> privateKeyPath();

        /** The .p8 PEM text itself, usually from an environment variable or a Secret. */
        Optional<String> privateKey();

        /** An individual key: tokens carry {@code sub: "user"} instead of {@code iss}. */
        @WithDefault("false")
        boolean individualKey();

        /** Token lifetime, at most 20 minutes. */
        @WithDefault("PT19M")
        Duration tokenLifetime();

        /** A token is replaced this long before it expires. */
        @WithDefault("PT1M")
        Duration tokenRefreshMargin();
        // the API calls' timeouts are Camel HTTP's: camel.component.http(s).connect-timeout and .response-timeout

        /**
         * The largest answer of the App Store Connect API read (K, M, G suffixes); a larger one is refused as it
         * arrives, without being read into memory. Apple's pages are a few KB.
         */
        @WithDefault("8M")
        io.quarkus.runtime.configuration.MemorySize maxResponseSize();
    }

    interface Sync {
        /** false: no sync routes run (the simulator alone, for example). */
        @WithDefault("true")
        boolean enabled();

        /** {@code service}: a sync now and then every {@code interval}; {@code one-shot}: one sync, then exit. */
        @WithDefault("service")
        Mode mode();

        @WithDefault("PT1H")
        Duration interval();

        /** Delay before the first sync in service mode. */
        @WithDefault("PT0S")
        Duration firstDelay();

        /** The apps to sync (numeric Apple ids); every app the key can see when unset. */
        Optional<List<String>> appIds();

        /** Apps never to sync, even when listed or visible. */
        Optional<List<String>> excludeAppIds();

        /**
         * Never create or delete report requests (for keys with the Sales and Reports or Finance role, which may only
         * read): an app without an active ONGOING request is reported instead.
         */
        @WithDefault("false")
        boolean readOnly();

        /** Replace a request stopped for inactivity (delete it, then create a new one). */
        @WithDefault("true")
        boolean replaceStopped();

        /**
         * Also deliver each app's ONE_TIME_SNAPSHOT (history back to 2024): an existing snapshot request is reused; one
         * is created (Admin key) only when none exists and none was asked for within {@link #snapshotCooldownDays()}.
         */
        @WithDefault("false")
        boolean snapshot();

        /** Apple allows one ONE_TIME_SNAPSHOT per app this often, deleted ones included (UNCONFIRMED: about 31 days). */
        @WithDefault("31")
        int snapshotCooldownDays();

        /** Days Apple keeps an instance listed; older processing dates missed are gone (only a snapshot brings them back). */
        @WithDefault("35")
        int retentionDays();

        /**
         * A routine listing asks ({@code filter[processingDate]}) for the days since the last complete listing, plus
         * this many days before it, for instances Apple publishes late. It costs no extra call.
         */
        @WithDefault("7")
        int lookbackDays();

        /** Reports walked at the same time (instances, segments, downloads); the rate budget holds across all of them. */
        @WithDefault("4")
        int parallelReports();

        /** Report categories to sync; all when unset. */
        Optional<List<String>> categories();

        /** Report names to sync, matched ignoring case and punctuation; all when unset. */
        Optional<List<String>> reportNames();

        @WithDefault("DAILY,WEEKLY,MONTHLY")
        List<String> granularities();

        /** Page size of every listing (at most 200). */
        @WithDefault("200")
        int pageLimit();

        /** Further tries of an API call that failed with 429, 5xx or a broken connection. */
        @WithDefault("5")
        int apiRetries();

        /** First pause before a retry, in milliseconds; it doubles each time, with jitter. */
        @WithDefault("1000")
        long retryDelayMs();

        Download download();

        RateLimit rateLimit();

        Listing listing();
    }

    /** When the walk lists again what rarely changes, and when a report's instances are worth listing. */
    interface Listing {
        /**
         * false: every sync lists every request, report list and selected report's instances (the behaviour before
         * this cache; the test profile uses it for tests about other things that sync several times in a moment).
         */
        @WithDefault("true")
        boolean cache();

        /** How long the cached list of an app's report requests and of a request's reports is used. */
        @WithDefault("P1D")
        Duration refresh();

        /**
         * Hours (UTC) at which a report whose new instance is due is listed even when the key has no calls to spare
         * for more (while the hour its instances appear is not known yet); the last hour of the day is always one.
         */
        @WithDefault("23")
        List<Integer> probeHours();

        /**
         * How long a report's new instance may wait, after it appears, before a sync lists it, while the key's spare
         * quota allows: a report whose new instance is due and not seen is listed about this often. {@code 0}: at
         * every sync. When the key's spare calls cannot pay for that, the listings thin out on their own.
         */
        @WithDefault("0s")
        Duration maxDelay();
    }

    /** The sync's share of the key's quota (Apple: about 3600 calls per rolling hour per key). */
    interface RateLimit {
        /**
         * The sync's own budget: most calls in any rolling window, across all routes and workers, safely under Apple's
         * 3600. Left at its default, it yields to Apple's figure: while App Store Connect announces more calls left than
         * the reserve, the own count holds no call back. Set (in any source), it holds strictly.
         */
        @WithDefault("3000")
        int callsPerWindow();

        @WithDefault("1h")
        Duration window();

        /** When Apple's announced remainder falls to this, calls are spread evenly over the window. */
        @WithDefault("100")
        int reserve();

        /** Further tries of a call answered 429 (a storm from parallel workers can meet several in a row). */
        @WithDefault("10")
        int retries();

        /**
         * The longest a call waits for a limit: the sync's own budget to free up, App Store Connect's quota to return,
         * a Retry-After, the spacing near the reserve. A wait that would last longer ends the run's calls at once: the
         * run leaves the rest for the next run (one-shot: exit 3) with a sentence naming whose limit it was. Unset: 5
         * minutes in one-shot mode, twice the window otherwise (a used-up quota returns at most a window later).
         */
        Optional<Duration> maxWait();
    }

    interface Download {
        /** Host patterns segment URLs may point at ({@code *.amazonaws.com} matches any subdomain); https only. */
        @WithDefault("*.amazonaws.com")
        List<String> allowedHosts();

        /** Further tries of a segment download that broke or did not verify, before it is left for the next sync. */
        @WithDefault("3")
        int retries();

        /** How long a segment download may take to connect to the storage. */
        @WithDefault("PT10S")
        Duration connectTimeout();

        /** How long a segment download may wait for the next bytes. */
        @WithDefault("PT30S")
        Duration readTimeout();

        /**
         * The storage URL of a simulator on this host, in this process or another ({@code http://127.0.0.1:8092}):
         * plain http is accepted from there only, and only on loopback. Unset: https only.
         */
        Optional<String> simulatorStorageUrl();
    }

    interface State {
        /** Where the delivery ledger, instance records and staged segments live (staging stays here with jdbc too). */
        @WithDefault("data/state")
        Path dir();

        /**
         * {@code file}: the ledgers and the state store under {@link #dir()} (one replica); {@code jdbc}: in the
         * database of {@code quarkus.datasource.*} (PostgreSQL), shared by replicas.
         */
        @WithDefault("file")
        Store store();
    }

    enum Store {
        FILE, JDBC;
    }

    /** {@code asc.sync.mode=seed}: fill a destination from a folder in the project's layout. */
    interface Seed {
        /** The folder to copy from, e.g. the local folder data/reports. */
        Optional<Path> from();

        /** The destination to fill (its route is deliver-<name>). */
        Optional<String> to();
    }

    interface Destinations {
        /** Further tries of a delivery to one destination before it is left for the next sync. */
        @WithDefault("3")
        int retries();

        /**
         * Deliveries in a row that a destination may fail (each after its retries) before it is skipped for the rest
         * of the sync; it catches up on the next one.
         */
        @WithName("circuit-breaker.failures")
        @WithDefault("2")
        int circuitBreakerFailures();

        Local local();
    }

    interface Local {
        @WithDefault("true")
        boolean enabled();

        /** Root folder of the local-folder destination. */
        @WithDefault("data/reports")
        Path path();
    }

    enum Mode {
        SERVICE, ONE_SHOT, STATUS, SEED;
    }
}
