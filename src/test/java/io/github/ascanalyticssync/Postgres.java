package io.github.ascanalyticssync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The throwaway PostgreSQL of {@code .ci/postgres.sh} the ITs of the state in a database share: database and user
 * asc_sync on 127.0.0.1, on the port the script wrote to {@code /tmp/asc-test-postgres.port} ({@code ASC_TEST_PG_DIR}
 * + ".port"): one the OS gave as free, or {@code ASC_TEST_PG_PORT}.
 */
public final class Postgres {

    private static final Path PORT_FILE = Path.of(System.getenv().getOrDefault("ASC_TEST_PG_DIR", "/tmp/asc-test-postgres") + ".port");

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
        return DriverManager.getConnection(jdbcUrl(), "asc_sync", "asc_sync");
    }

    /** Drops the tables the application keeps its ledger and state in: the next process starts from nothing. */
    public static void dropTables() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS CAMEL_MESSAGEPROCESSED, asc_state");
        }
    }

    /** The settings that keep the application's state in this database. */
    public static Map<String, String> settings() {
        return Map.of("asc.state.store", "jdbc", "quarkus.datasource.jdbc.url", jdbcUrl(), "quarkus.datasource.username", "asc_sync",
                "quarkus.datasource.password", "asc_sync");
    }

    static String jdbcUrl() {
        String port = System.getenv("ASC_TEST_PG_PORT");
        try {
            if (port == null) {
                port = Files.readString(PORT_FILE).strip();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("No test PostgreSQL: " + PORT_FILE + " is missing (.ci/postgres.sh start writes it)", e);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/asc_sync";
    }

    /** Whether it answers: not when nothing started it (no port written) or it does not accept a connection. */
    private static boolean up() {
        try (Connection c = connect()) {
            return true;
        } catch (SQLException | UncheckedIOException e) {
            return false;
        }
    }

    /** How often the delivery ledger recorded a segment (once per destination that has it), and when last. */
    public record Deliveries(int count, java.sql.Timestamp last) {
    }

    /**
     * The delivery ledger ({@code <destination>:<segmentId>}, manifests left out) by segment id: each segment's
     * deliveries, all destinations together.
     */
    public static Map<String, Deliveries> deliveriesPerSegment() throws SQLException {
        Map<String, Deliveries> out = new java.util.TreeMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery("SELECT messageId, createdAt FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'asc-delivery'"
                        + " AND messageId NOT LIKE '%:manifest:%'")) {
            while (r.next()) {
                String segment = r.getString(1).substring(r.getString(1).indexOf(':') + 1);
                java.sql.Timestamp at = r.getTimestamp(2);
                out.merge(segment, new Deliveries(1, at),
                        (a, b) -> new Deliveries(a.count() + b.count(), a.last().after(b.last()) ? a.last() : b.last()));
            }
        }
        return out;
    }
}
