package io.github.ascanalyticssync.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

/**
 * One writer per state: the process that syncs (or seeds) holds this lock for its whole life. With the file state
 * ({@code asc.state.store=file}) it is an OS lock on {@code <asc.state.dir>/sync.lock}; with the state in PostgreSQL
 * outside clustered mode it is a session advisory lock ({@code pg_try_advisory_lock}) on a connection kept open for
 * the life of the process. Either way the kernel or the database releases it when the process dies, even by
 * {@code kill -9}, so no stale lock is ever left behind. The holder writes who it is (PID, host, since when) where a
 * second process reads it for its one line: into the lock file, or into the state table.
 */
public abstract class StateLock {

    /** The name of the lock file in the state folder. */
    public static final String FILE_NAME = "sync.lock";
    /** The advisory lock's key: "ascsync" in ASCII, the same for every process on one database. */
    static final long ADVISORY_KEY = 0x61736373796e63L;
    static final String HOLDER_KEY = "lock/holder";

    /** Takes the lock when free (or when this process already holds it); false when another process holds it. */
    public abstract boolean tryLock();

    /** Who holds it, as written by the holder: "PID 1234 on host since 2026-03-06T10:00:00Z"; "unknown" when not written yet. */
    public abstract String holder();

    /** What is locked, for the messages: the folder, or the database. */
    public abstract String what();

    public abstract void release();

    /** This process as the holder's line names it. */
    static String me() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "?");
        }
        return "PID " + ProcessHandle.current().pid() + " on " + host + " since " + Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    public static StateLock file(Path stateDir) {
        return new FileStateLock(stateDir);
    }

    public static StateLock database(DataSource dataSource, java.util.function.Supplier<StateStore> store, String url) {
        return new AdvisoryLock(dataSource, store, url);
    }

    /** The OS file lock on {@code <asc.state.dir>/sync.lock}. */
    static final class FileStateLock extends StateLock {
        // one lock per file and JVM: a second application in the same JVM (tests) would get OverlappingFileLockException
        private static final Map<Path, FileLock> HELD = new ConcurrentHashMap<>();

        private final Path dir;
        private final Path file;

        FileStateLock(Path dir) {
            this.dir = dir.toAbsolutePath().normalize();
            this.file = this.dir.resolve(FILE_NAME);
        }

        @Override
        public synchronized boolean tryLock() {
            FileLock held = HELD.get(file);
            if (held != null && held.isValid()) {
                return true;
            }
            FileChannel channel = null;
            try {
                Files.createDirectories(dir);
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    channel.close();
                    return false;
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((me() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                channel.force(true);
                HELD.put(file, lock);
                return true;
            } catch (IOException e) {
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // the open failed already
                    }
                }
                throw new UncheckedIOException("The lock file " + file + " cannot be written (" + e.getMessage() + "); give this process write"
                        + " access to asc.state.dir", e);
            }
        }

        @Override
        public String holder() {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8).strip();
                return text.isEmpty() ? "unknown" : text.lines().findFirst().orElse("unknown");
            } catch (IOException e) {
                return "unknown";
            }
        }

        @Override
        public String what() {
            return "The state folder " + dir;
        }

        @Override
        public synchronized void release() {
            FileLock lock = HELD.remove(file);
            if (lock != null) {
                try {
                    lock.release();
                    lock.channel().close();
                } catch (IOException e) {
                    // the process ends; the kernel releases it then
                }
            }
        }
    }

    /** A PostgreSQL session advisory lock on a connection of its own, kept open for the life of the process. */
    static final class AdvisoryLock extends StateLock {
        private final DataSource dataSource;
        private final java.util.function.Supplier<StateStore> store;
        private final String url;
        private Connection connection;

        AdvisoryLock(DataSource dataSource, java.util.function.Supplier<StateStore> store, String url) {
            this.dataSource = dataSource;
            this.store = store;
            this.url = url;
        }

        @Override
        public synchronized boolean tryLock() {
            if (connection != null) {
                try {
                    if (connection.isValid(10)) {
                        return true;
                    }
                } catch (SQLException e) {
                    // broken: the database released the lock with the session; take it again below
                }
                closeQuietly();
            }
            try {
                Connection c = dataSource.getConnection();
                try {
                    c.setAutoCommit(true);
                    boolean locked;
                    try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                        s.setLong(1, ADVISORY_KEY);
                        try (ResultSet r = s.executeQuery()) {
                            locked = r.next() && r.getBoolean(1);
                        }
                    }
                    if (!locked) {
                        c.close();
                        return false;
                    }
                    connection = c;
                } catch (SQLException | RuntimeException e) {
                    c.close();
                    throw e;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("The state database (quarkus.datasource.jdbc.url) cannot be reached to take the lock on the"
                        + " state: " + e.getMessage(), e);
            }
            try {
                store.get().put(HOLDER_KEY, me());
            } catch (RuntimeException e) {
                // who holds it is for a second process's message only; the lock holds without it
            }
            return true;
        }

        @Override
        public String holder() {
            try {
                return store.get().get(HOLDER_KEY).orElse("unknown");
            } catch (RuntimeException e) {
                return "unknown";
            }
        }

        @Override
        public String what() {
            return "The state in the database " + url;
        }

        @Override
        public synchronized void release() {
            closeQuietly();
        }

        private void closeQuietly() {
            if (connection != null) {
                try {
                    try (PreparedStatement s = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                        s.setLong(1, ADVISORY_KEY);
                        s.execute();
                    }
                } catch (SQLException e) {
                    // the session is gone, and the lock with it
                }
                try {
                    connection.close();
                } catch (SQLException e) {
                    // idem
                }
                connection = null;
            }
        }
    }
}
