package io.github.ascanalyticssync;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The throwaway PostgreSQL of {@code .ci/postgres.sh} the ITs of the state in a database share: database and user
 * asc_sync on 127.0.0.1, port {@code ASC_TEST_PG_PORT} (55432 unless set).
 */
public final class Postgres {

    static final String PORT = System.getenv().getOrDefault("ASC_TEST_PG_PORT", "55432");
    static final String JDBC = "jdbc:postgresql://127.0.0.1:" + PORT + "/asc_sync";

    private Postgres() {
    }

    /** Starts it unless one already answers; true when this call started it (then {@link #stop()} it afterwards). */
    public static boolean start() throws IOException, InterruptedException {
        if (up()) {
            return false;
        }
        Process p = new ProcessBuilder("bash", ".ci/postgres.sh", "start").inheritIO().start();
        if (p.waitFor() != 0) {
            throw new AssertionError(".ci/postgres.sh start exited " + p.exitValue());
        }
        return true;
    }

    public static void stop() throws IOException, InterruptedException {
        new ProcessBuilder("bash", ".ci/postgres.sh", "stop").inheritIO().start().waitFor();
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(JDBC, "asc_sync", "asc_sync");
    }

    /** Drops the tables the application keeps its ledger and state in: the next process starts from nothing. */
    public static void dropTables() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS CAMEL_MESSAGEPROCESSED, asc_state");
        }
    }

    /** The settings that keep the application's state in this database. */
    public static Map<String, String> settings() {
        return Map.of("asc.state.store", "jdbc", "quarkus.datasource.jdbc.url", JDBC, "quarkus.datasource.username", "asc_sync",
                "quarkus.datasource.password", "asc_sync");
    }

    private static boolean up() {
        try (Connection c = connect()) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
