package io.github.ascanalyticssync.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import javax.sql.DataSource;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceHelper;

/**
 * The state of replicas that share a database (asc.state.store=jdbc): the ledgers as camel-sql's
 * {@link JdbcMessageIdRepository} (table {@code CAMEL_MESSAGEPROCESSED}, one processor name per ledger) and the
 * state store as the table {@code asc_state}. The application creates both tables when missing, before camel-sql
 * uses them (camel-sql's own "create if missing" probe aborts its transaction on PostgreSQL).
 */
public final class JdbcState {

    static final String[] SCHEMA = {
            "CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED (processorName VARCHAR(255) NOT NULL, messageId VARCHAR(255) NOT NULL,"
                    + " createdAt TIMESTAMP NOT NULL, PRIMARY KEY (processorName, messageId))",
            "CREATE TABLE IF NOT EXISTS asc_state (name VARCHAR(512) PRIMARY KEY, value TEXT NOT NULL,"
                    + " updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)" };

    private JdbcState() {
    }

    /** Creates the tables when missing; two replicas starting at once may race, so a failed attempt is repeated. */
    static void createSchema(DataSource dataSource) {
        SQLException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
                return;
            } catch (SQLException e) {
                last = e;
            }
        }
        throw new IllegalStateException("The state tables cannot be created in the database of quarkus.datasource.jdbc.url: "
                + last.getMessage(), last);
    }

    /** Every key of a ledger made by {@link #ledger}, or null for another repository. */
    public static java.util.Set<String> keys(IdempotentRepository repository) {
        if (repository instanceof org.apache.camel.support.processor.idempotent.FileIdempotentRepository file) {
            return java.util.Set.copyOf(file.getCache().keySet());
        }
        if (repository instanceof JdbcMessageIdRepository jdbc) {
            return java.util.Set.copyOf(jdbc.getJdbcTemplate().queryForList(
                    "SELECT messageId FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ?", String.class, jdbc.getProcessorName()));
        }
        return null;
    }

    static IdempotentRepository ledger(DataSource dataSource, String name) {
        JdbcMessageIdRepository repository = new JdbcMessageIdRepository(dataSource, name);
        repository.setCreateTableIfNotExists(false);
        ServiceHelper.startService(repository);
        return repository;
    }

    /** The state store in table {@code asc_state}. */
    static final class Store implements StateStore {
        private final DataSource dataSource;

        Store(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public Optional<String> get(String key) {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT value FROM asc_state WHERE name = ?")) {
                s.setString(1, key);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                }
            } catch (SQLException e) {
                throw failed("read", key, e);
            }
        }

        @Override
        public void put(String key, String value) {
            update("INSERT INTO asc_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value,"
                    + " updated_at = CURRENT_TIMESTAMP", key, value);
        }

        @Override
        public void remove(String key) {
            update("DELETE FROM asc_state WHERE name = ?", key);
        }

        @Override
        public void clear() {
            update("DELETE FROM asc_state");
        }

        @Override
        public boolean shared() {
            return true;
        }

        private void update(String sql, String... values) {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    s.setString(i + 1, values[i]);
                }
                s.executeUpdate();
            } catch (SQLException e) {
                throw failed("write", values.length > 0 ? values[0] : "*", e);
            }
        }

        private static IllegalStateException failed(String what, String key, SQLException e) {
            return new IllegalStateException("The state store cannot " + what + " " + key + ": " + e.getMessage(), e);
        }
    }
}
