package io.github.ascanalyticssync.run;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.apache.camel.spi.IdempotentRepository;

import io.github.ascanalyticssync.api.ApiCall;
import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.config.SyncMain;
import io.github.ascanalyticssync.config.UnknownSettings;
import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.observe.SyncStatus;
import io.quarkus.runtime.PreventFurtherStepsException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Checks the sync's configuration when the application starts, so that a wrong or missing setting stops it at once
 * with one sentence that names the setting, instead of failing later inside a sync.
 */
@ApplicationScoped
public class SyncStartup {

    private static final Logger LOG = Logger.getLogger(SyncStartup.class);

    enum Category {
        APP_USAGE, APP_STORE_ENGAGEMENT, COMMERCE, FRAMEWORK_USAGE, PERFORMANCE
    }

    enum Granularity {
        DAILY, WEEKLY, MONTHLY
    }

    @Inject
    SyncConfig config;

    @Inject
    ApiKeys keys;

    // opened by the checks, so that an unreadable state file stops the start with one line
    @Inject
    Instance<StateStore> stateStore;

    @Inject
    @Named("deliveryLedger")
    Instance<IdempotentRepository> deliveryLedger;

    @Inject
    @Named("instanceLedger")
    Instance<IdempotentRepository> instanceLedger;

    @Inject
    SyncStatus status;

    @Inject
    StateGuard guard;

    // the simulator's switch and ports, read as plain keys: the sync knows no simulator class
    @ConfigProperty(name = "asc.simulator.enabled", defaultValue = "false")
    boolean simulatorEnabled;

    @ConfigProperty(name = "asc.simulator.api-port", defaultValue = "8091")
    String simulatorApiPort;

    @ConfigProperty(name = "asc.simulator.storage-port", defaultValue = "8092")
    String simulatorStoragePort;

    private final java.util.concurrent.CountDownLatch checked = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean passed;

    /**
     * The checks run before Camel loads the routes (its BeforeConfigure event): a wrong setting stops the start with one
     * ERROR line naming it and what to do, exit code 2, before any route, timer, simulator or sync has started. The
     * stack trace is at DEBUG only. Quarkus ends the start without a message of its own for a
     * PreventFurtherStepsException without a message.
     */
    void beforeCamel(@Observes BeforeConfigure event) {
        try {
            UnknownSettings.check();
            httpPortFree();
            simulatorNeverRedirects();
            if (config.sync().enabled() && config.sync().mode() != SyncConfig.Mode.SEED && config.sync().mode() != SyncConfig.Mode.STATUS) {
                validate(config);
                checkKeys(); // reads and checks the keys now: a bad key stops the start
                guard.acquire(); // one writer per state: before the state is opened
                if (config.state().store() == SyncConfig.Store.FILE) {
                    stateStore.get();
                    deliveryLedger.get();
                    instanceLedger.get();
                }
                passed = true;
            } else if (config.sync().enabled() && config.sync().mode() == SyncConfig.Mode.SEED) {
                guard.acquire(); // a seed writes the destination's ledger
            }
        } catch (PreventFurtherStepsException e) {
            checked.countDown();
            throw e;
        } catch (RuntimeException e) {
            checked.countDown(); // failed: a first sync waiting for the checks gives up at once
            throw stop(e);
        }
    }

    /** One ERROR line with the sentence of the first exception in the chain that names a setting or a file. */
    static PreventFurtherStepsException stop(RuntimeException e) {
        Throwable cause = e;
        while (!(cause instanceof IllegalStateException || cause instanceof ConfigurationException || cause instanceof java.io.UncheckedIOException
                || cause instanceof IllegalArgumentException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof java.io.UncheckedIOException io && io.getCause() != null) {
            message = message + " (" + io.getCause().getClass().getSimpleName() + ": " + io.getCause().getMessage() + ")";
        }
        // a value of the wrong type read at run time (a key's own settings, by name): SmallRye's sentence, made the start's
        LOG.error(SyncMain.sentence(message.lines().findFirst().orElse(message)));
        LOG.debug("The start-up check failed", e);
        return new PreventFurtherStepsException(2);
    }

    /**
     * The HTTP port (health, metrics, /status) is free, checked before any route, simulator or sync starts: Quarkus opens
     * it only after Camel has started, so a port in use would otherwise end a start whose first sync already ran. Not
     * in tests (a free port of their own) nor when the port is off or chosen by the OS (0).
     */
    private static void httpPortFree() {
        org.eclipse.microprofile.config.Config c = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        int port = c.getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        if (io.quarkus.runtime.LaunchMode.current() == io.quarkus.runtime.LaunchMode.TEST || port == 0
                || !c.getOptionalValue("quarkus.http.host-enabled", Boolean.class).orElse(true)) {
            return;
        }
        String host = c.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(SyncMain.portInUse(host, port), e);
        }
    }

    /**
     * A simulator switched on never redirects the sync. Under the prod profile asc.api.base-url stays Apple's unless
     * set (dev sets it to the dev simulator's address), so the sync would go to Apple while the user believes it syncs
     * against the simulator.
     */
    private void simulatorNeverRedirects() {
        boolean toApple = config.api().baseUrl().orElse(ApiCall.APPLE_BASE_URL).equals(ApiCall.APPLE_BASE_URL);
        if (simulatorEnabled && config.sync().enabled() && toApple) {
            throw new ConfigurationException("asc.simulator.enabled=true starts the App Store Connect simulator, but the simulator never"
                    + " changes where the sync goes: set asc.api.base-url=http://127.0.0.1:" + simulatorApiPort
                    + " (and asc.sync.download.simulator-storage-url=http://127.0.0.1:" + simulatorStoragePort
                    + ") to sync against it, or asc.sync.enabled=false to run it alone");
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.sync().enabled()) {
            LOG.info("The sync is off (asc.sync.enabled=false)");
            checked.countDown();
            return;
        }
        if (config.sync().mode() == SyncConfig.Mode.SEED) {
            // the seed runs once Camel started (routes/seed.yaml); no sync
            checked.countDown();
            return;
        }
        if (config.sync().mode() == SyncConfig.Mode.STATUS) {
            // asc.sync.mode=status: what the last sync left in the state store, as a table; no API call, no sync
            System.out.println(status.table());
            checked.countDown();
            Quarkus.asyncExit(0);
            return;
        }
        checked.countDown();
        LOG.infof("Sync %s against %s; state in %s", config.sync().mode() == SyncConfig.Mode.ONE_SHOT
                ? "once (one-shot)" : "every " + config.sync().interval(), config.api().baseUrl().orElse(ApiCall.APPLE_BASE_URL), config.state().dir().toAbsolutePath());
    }

    /**
     * Reads and checks the keys now. The single key: any problem stops the start. Several keys: a bad name or a
     * missing setting stops the start; a key whose .p8 cannot be read is logged, and its apps are reported not synced
     * by every sync until it is fixed, while the other keys sync; when no key can make a token, the start stops.
     */
    private void checkKeys() {
        List<KeySettings.Key> all = keys.all();
        if (!keys.several()) {
            keys.issuer(all.get(0).name()).token();
            return;
        }
        for (KeySettings.Key key : all) {
            boolean given = key.keyId().isPresent() && (key.individual() || key.issuerId().isPresent())
                    && (key.privateKey().isPresent() || key.privateKeyPath().isPresent());
            if (!given) {
                key.credentials(); // throws the sentence that names the missing setting
            }
        }
        List<String> broken = all.stream().map(k -> keys.credentialsProblem(k.name()).map(p -> "key " + k.name() + ": " + p))
                .flatMap(java.util.Optional::stream).toList();
        if (broken.size() == all.size()) {
            throw new io.github.ascanalyticssync.token.InvalidCredentialsException("No App Store Connect key can make a token; " + broken.get(0));
        }
        broken.forEach(p -> LOG.errorf("%s; its apps are reported not synced until it is fixed, the other keys sync", p));
    }

    /** Whether the start-up checks have run and passed (readiness). */
    public boolean checksPassed() {
        return checked.getCount() == 0 && passed;
    }

    /** Waits for the start-up checks; false when they failed (the application is then stopping). */
    public boolean awaitChecks() {
        try {
            return checked.await(5, java.util.concurrent.TimeUnit.MINUTES) && passed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void validate(SyncConfig config) {
        SyncConfig.Sync sync = config.sync();
        if (sync.pageLimit() < 1 || sync.pageLimit() > 200) {
            throw new IllegalStateException("asc.sync.page-limit must be between 1 and 200, not " + sync.pageLimit());
        }
        checkAll("asc.sync.categories", sync.categories().orElse(List.of()), Category.class);
        checkAll("asc.sync.granularities", sync.granularities(), Granularity.class);
        if (sync.download().retries() < 0 || sync.apiRetries() < 0 || config.destinations().retries() < 0) {
            throw new IllegalStateException("asc.sync.download.retries, asc.sync.api-retries and asc.destinations.retries cannot be negative");
        }
        if (sync.parallelReports() < 1 || sync.parallelReports() > 64) {
            throw new IllegalStateException("asc.sync.parallel-reports must be between 1 and 64, not " + sync.parallelReports());
        }
        if (sync.lookbackDays() < 0 || sync.retentionDays() < 1 || sync.snapshotCooldownDays() < 0) {
            throw new IllegalStateException("asc.sync.lookback-days, asc.sync.retention-days and asc.sync.snapshot-cooldown-days must be"
                    + " positive (retention at least 1)");
        }
        SyncConfig.Cluster cluster = config.cluster();
        if (cluster.enabled()) {
            if (cluster.shards() < 1 || cluster.shards() > 1024) {
                throw new IllegalStateException("asc.cluster.shards must be between 1 and 1024, not " + cluster.shards());
            }
            if (config.state().store() != SyncConfig.Store.JDBC) {
                throw new IllegalStateException("asc.cluster.enabled=true needs state the replicas share: set asc.state.store=jdbc and"
                        + " quarkus.datasource.jdbc.url (PostgreSQL)");
            }
            if (sync.mode() != SyncConfig.Mode.SERVICE) {
                throw new IllegalStateException("asc.cluster.enabled=true runs in service mode (each replica syncs the shards it leads);"
                        + " set asc.sync.mode=service");
            }
        }
        if (sync.interval().isNegative() || sync.interval().isZero()) {
            throw new IllegalStateException("asc.sync.interval must be positive, not " + sync.interval());
        }
        config.api().baseUrl().ifPresent(SyncStartup::checkBaseUrl);
        writableFolder("asc.state.dir", config.state().dir());
        if (config.destinations().local().enabled()) {
            writableFolder("asc.destinations.local.path", config.destinations().local().path());
        }
    }

    private static void checkBaseUrl(String url) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("asc.api.base-url is not a URL (" + e.getReason() + " at index " + e.getIndex() + ": '" + url
                    + "'); give one such as https://api.appstoreconnect.apple.com (ASC_API_BASE_URL)");
        }
        if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw new IllegalStateException("asc.api.base-url '" + url + "' has no host; give one such as https://api.appstoreconnect.apple.com"
                    + " (ASC_API_BASE_URL)");
        }
        if (!url.startsWith("https://") && !url.startsWith("http://127.0.0.1") && !url.startsWith("http://localhost")
                && !url.startsWith("http://[::1]")) {
            throw new IllegalStateException("asc.api.base-url must be an https URL (plain http only for a local simulator), not " + url);
        }
    }

    /** The folder exists or can be created, and this process can write in it. */
    private static void writableFolder(String setting, java.nio.file.Path dir) {
        java.nio.file.Path abs = dir.toAbsolutePath();
        if (java.nio.file.Files.exists(abs) && !java.nio.file.Files.isDirectory(abs)) {
            throw new IllegalStateException(setting + " names " + abs + ", which is a file, not a folder; give a folder");
        }
        try {
            java.nio.file.Files.createDirectories(abs);
        } catch (java.io.IOException | SecurityException e) {
            throw new IllegalStateException(setting + " names " + abs + ", which cannot be created (" + e + "); create it, or give another folder");
        }
        if (!java.nio.file.Files.isWritable(abs)) {
            throw new IllegalStateException(setting + " names " + abs + ", which this process cannot write to; give it write access, or give"
                    + " another folder");
        }
    }

    private static <E extends Enum<E>> void checkAll(String setting, List<String> values, Class<E> type) {
        for (String v : values) {
            try {
                Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(setting + " has '" + v + "', which is not one of " + EnumSet.allOf(type));
            }
        }
    }
}
