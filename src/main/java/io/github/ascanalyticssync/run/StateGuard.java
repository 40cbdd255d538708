package io.github.ascanalyticssync.run;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.ledger.StateLock;
import io.github.ascanalyticssync.ledger.StateStore;
import io.quarkus.runtime.PreventFurtherStepsException;
import io.quarkus.runtime.ShutdownEvent;

/**
 * One writer per state ({@link StateLock}): a process that syncs or seeds takes the lock on its state before it opens
 * the ledgers, and keeps it for its life. When another process holds it, a one-shot run (or a seed) says so in one
 * line naming the holder and exits with {@link #EXIT_HELD}; a service says so once, waits, and takes the state over
 * when the holder is gone. In clustered mode the shards' leadership governs instead, and status mode only reads.
 */
@ApplicationScoped
public class StateGuard {

    private static final Logger LOG = Logger.getLogger(StateGuard.class);

    /** The exit code of a one-shot run (or a seed) that found its state held by another process. */
    public static final int EXIT_HELD = 4;

    @Inject
    SyncConfig config;

    @Inject
    Instance<DataSource> dataSources;

    @Inject
    Instance<StateStore> stateStore;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    Optional<String> jdbcUrl;

    private volatile StateLock lock;
    private volatile boolean shuttingDown;

    /** Whether this process needs the lock: it writes the state, and no cluster leadership governs. */
    boolean needed() {
        SyncConfig.Mode mode = config.sync().mode();
        return config.sync().enabled() && mode != SyncConfig.Mode.STATUS && !config.cluster().enabled();
    }

    private boolean waits() {
        return config.sync().mode() == SyncConfig.Mode.SERVICE;
    }

    /**
     * Takes the lock before the state is opened (SyncStartup's checks): returns once this process holds it; a one-shot
     * run or a seed whose state another process holds ends with exit code {@link #EXIT_HELD}.
     */
    void acquire() {
        if (!needed() || lock != null) {
            return;
        }
        StateLock l = config.state().store() == SyncConfig.Store.JDBC
                ? StateLock.database(dataSources.get(), stateStore::get, jdbcUrl.orElse("(quarkus.datasource.jdbc.url)"))
                : StateLock.file(config.state().dir());
        if (attempt(l)) {
            lock = l;
            return;
        }
        String line = l.what() + " is held by another process (" + l.holder() + ")";
        if (!waits()) {
            LOG.errorf("%s; this run exits with %d and leaves the state to it. Run one sync at a time on one state (asc.state.dir%s):"
                    + " a CronJob with concurrencyPolicy: Forbid, no manual run beside a service", line, EXIT_HELD,
                    config.state().store() == SyncConfig.Store.JDBC ? ", or the database of asc.state.store=jdbc" : "");
            throw new PreventFurtherStepsException(EXIT_HELD);
        }
        LOG.warnf("%s; this service waits and takes the state over when that process ends", line);
        Thread hook = new Thread(() -> shuttingDown = true, "asc-state-guard-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            while (!attempt(l)) {
                if (shuttingDown) {
                    LOG.info("Stopping while waiting for the state: nothing was synced");
                    throw new PreventFurtherStepsException(0);
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PreventFurtherStepsException(0);
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
        lock = l;
        LOG.infof("%s is free now: this service took it over", l.what());
    }

    /** One try; a service that cannot reach the database keeps waiting (said once), a one-shot run ends with the sentence. */
    private boolean unreachableSaid;

    private boolean attempt(StateLock l) {
        try {
            return l.tryLock();
        } catch (RuntimeException e) {
            if (!waits()) {
                throw e;
            }
            if (!unreachableSaid) {
                unreachableSaid = true;
                LOG.warnf("%s; this service tries again every second", e.getMessage());
            }
            LOG.debug("The lock on the state could not be taken", e);
            return false;
        }
    }

    /**
     * Before each sync: whether this process still holds the state (a broken database connection loses the advisory
     * lock; it is taken again when free). False when another process took it meanwhile: the sync does not run.
     */
    boolean stillHeld() {
        StateLock l = lock;
        if (l == null) {
            return true;
        }
        try {
            if (l.tryLock()) {
                return true;
            }
            LOG.errorf("%s is held by another process now (%s): this process lost its lock (its database connection broke) and"
                    + " runs no sync on it", l.what(), l.holder());
        } catch (RuntimeException e) {
            LOG.errorf("%s cannot be locked for this sync: %s", l.what(), e.getMessage());
            LOG.debug("The lock on the state could not be checked", e);
        }
        return false;
    }

    void onStop(@Observes ShutdownEvent event) {
        StateLock l = lock;
        lock = null;
        if (l != null) {
            l.release();
        }
    }
}
