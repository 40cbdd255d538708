package io.github.ascanalyticssync.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import javax.sql.DataSource;
import jakarta.inject.Singleton;

import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.apache.camel.support.service.ServiceHelper;

import io.github.ascanalyticssync.config.SyncConfig;

/**
 * The delivery ledger ({@code deliveryLedger}: which destination has which segment and manifest) and the instance
 * ledger ({@code instanceLedger}: every instance complete at some destination), as Camel idempotent repositories. The
 * file store under {@code asc.state.dir} is the default; with {@code asc.state.store=jdbc} they live in PostgreSQL
 * (camel-sql's JDBC repository, see {@link JdbcState}), shared by replicas; any {@link IdempotentRepository} can
 * take their place.
 */
@ApplicationScoped
public class LedgerProducers {

    @Inject
    Instance<DataSource> dataSources;

    private volatile boolean schemaReady;

    /** The datasource of quarkus.datasource.*, with the state tables in place (asc.state.store=jdbc). */
    private DataSource database() {
        DataSource dataSource = dataSources.get();
        if (!schemaReady) {
            synchronized (this) {
                if (!schemaReady) {
                    JdbcState.createSchema(dataSource);
                    schemaReady = true;
                }
            }
        }
        return dataSource;
    }

    private static boolean jdbc(SyncConfig config) {
        return config.state().store() == SyncConfig.Store.JDBC;
    }

    @Produces
    @Singleton
    @Named("deliveryLedger")
    IdempotentRepository deliveryLedger(SyncConfig config) {
        return jdbc(config) ? JdbcState.ledger(database(), "asc-delivery") : fileStore(config.state().dir(), "delivery-ledger.txt");
    }

    @Produces
    @Singleton
    @Named("instanceLedger")
    IdempotentRepository instanceLedger(SyncConfig config) {
        return jdbc(config) ? JdbcState.ledger(database(), "asc-instance") : fileStore(config.state().dir(), "instance-ledger.txt");
    }

    @Produces
    @Singleton
    StateStore stateStore(SyncConfig config) {
        return jdbc(config) ? new JdbcState.Store(database()) : new FileStateStore(config.state().dir().resolve("state.properties"));
    }

    void close(@Disposes @Named("deliveryLedger") IdempotentRepository ledger) {
        ServiceHelper.stopService(ledger);
    }

    void closeInstances(@Disposes @Named("instanceLedger") IdempotentRepository ledger) {
        ServiceHelper.stopService(ledger);
    }

    /**
     * Camel's file store, without its file scan on a cache miss: the whole ledger is loaded into the cache at start and
     * every addition goes to both, so while the cache has room a miss means "not there". The stock repository scans
     * the file on every miss, which makes a sync of n segments cost n file scans (it dominated the benchmark).
     */
    static final class FileLedger extends FileIdempotentRepository {
        static final int CAPACITY = 5_000_000;

        @Override
        protected boolean containsStore(String key) {
            return getCache().size() >= CAPACITY && super.containsStore(key);
        }
    }

    static IdempotentRepository fileStore(Path dir, String name) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("asc.state.dir " + dir.toAbsolutePath() + " cannot be created", e);
        }
        FileIdempotentRepository repository = new FileLedger();
        repository.setFileStore(dir.resolve(name).toFile());
        repository.setCacheSize(FileLedger.CAPACITY);
        // never truncate: a dropped entry would mean a second delivery
        repository.setMaxFileStoreSize(Long.MAX_VALUE);
        try {
            ServiceHelper.startService(repository);
        } catch (RuntimeException e) {
            Throwable cause = ExceptionUtils.getRootCause(e);
            throw new IllegalStateException("The ledger file " + dir.resolve(name).toAbsolutePath() + " cannot be read (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + "); restore it from a backup, or delete it (the next sync"
                    + " then re-delivers everything)", e);
        }
        return repository;
    }
}
