package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.Postgres;
import io.github.ascanalyticssync.SimulatorControl;

/**
 * One writer per state: processes of the packaged application, configured partly by environment variables, on one state
 * against one simulator in its own process. While one process syncs (its API calls slowed by the simulator's latency,
 * so that it is still at work when the other one starts), a second one-shot run says who holds the state in one line
 * and exits 4; every segment is downloaded once, the ledger has no line twice. A service waits for the holder, and
 * takes over when the holder is killed with SIGKILL: nothing lost, nothing twice. The same with the state in
 * PostgreSQL (a session advisory lock).
 */
class OneWriterIT {

    private static final String HELD = "is held by another process (PID ";

    @TempDir
    Path work;

    AppProcess.Running simulator;
    String api;
    String storage;
    SimulatorControl control;
    final List<AppProcess.Running> started = new ArrayList<>();

    @BeforeEach
    void startSimulator() throws Exception {
        simulator = AppProcess.start(List.of("-Xmx256m"), Map.of("asc.simulator.enabled", "true", "asc.sync.enabled", "false",
                "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0", "quarkus.http.port", "0", "asc.simulator.data.apps", "1",
                "asc.simulator.data.today", "2026-03-06"), work.resolve("simulator"));
        AppProcess.SimulatorUrls urls = AppProcess.awaitSimulator(simulator, 120);
        api = urls.api();
        storage = urls.storage();
        control = new SimulatorControl(api);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AppProcess.Running r : started) {
            r.process().destroyForcibly().waitFor();
        }
        simulator.process().destroyForcibly().waitFor();
    }

    /**
     * A sync process in a working directory of its own, on the state in work/state. The mode, the interval and the
     * state folder are environment variables, as a user sets them (and as {@code extra} may change them: its ASC_
     * entries go to the environment, the others are system properties); the demo key's account, the commerce reports,
     * the local folder and any free HTTP port are system properties.
     */
    private AppProcess.Running sync(String name, String mode, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("ASC_SYNC_MODE", mode, "ASC_SYNC_INTERVAL", "1h",
                "ASC_STATE_DIR", work.resolve("state").toString()));
        Map<String, String> account = AppProcess.demoAccount(api, storage);
        account.put("asc.sync.categories", "COMMERCE");
        Map<String, String> props = AppProcess.settingsIn(work, account);
        props.remove("asc.state.dir"); // a system property would hide ASC_STATE_DIR
        extra.forEach((k, v) -> (k.startsWith("ASC_") ? env : props).put(k, v));
        AppProcess.Running r = AppProcess.start(List.of("-Xmx256m"), props, env, work.resolve(name));
        started.add(r);
        return r;
    }

    private static int exit(AppProcess.Running r, long seconds) throws Exception {
        assertTrue(r.process().waitFor(seconds, TimeUnit.SECONDS), "it ended: " + r.output());
        return r.process().exitValue();
    }

    private List<String> ledgerLines() throws Exception {
        Path ledger = work.resolve("state/delivery-ledger.txt");
        return Files.exists(ledger) ? Files.readAllLines(ledger).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    private void assertNoDuplicateLedgerLine() throws Exception {
        List<String> lines = ledgerLines();
        assertEquals(lines.size(), new HashSet<>(lines).size(), "no ledger line twice: " + lines);
    }

    private List<Path> segmentFiles() throws Exception {
        if (!Files.exists(work.resolve("reports"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(work.resolve("reports"))) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tsv.gz")).toList();
        }
    }

    /**
     * Two one-shot runs started together on one state, three times (a day apart in the simulator, so that each round has
     * new segments): one syncs, the other says who holds the state and exits 4; every segment downloaded once.
     */
    @Test
    void twoOneShotRunsStartedTogetherOnOneStateSyncOnce() throws Exception {
        for (int round = 1; round <= 3; round++) {
            control.latency(2000);
            AppProcess.Running a = sync("a" + round, "one-shot", Map.of());
            AppProcess.Running b = sync("b" + round, "one-shot", Map.of());
            // the one that does not hold the state ends first, while the holder's slowed calls go on
            AppProcess.await("one of the two runs ended", 120, () -> !a.process().isAlive() || !b.process().isAlive());
            AppProcess.Running second = a.process().isAlive() ? b : a;
            AppProcess.Running holder = second == a ? b : a;
            assertTrue(holder.process().isAlive(), "the holder still syncs: " + holder.output());
            assertEquals(4, second.process().exitValue(), second.output());
            List<String> held = second.output().lines().filter(l -> l.contains(HELD)).toList();
            assertEquals(1, held.size(), second.output());
            assertTrue(held.get(0).contains(HELD + holder.process().pid() + " on "), held.get(0));
            assertTrue(held.get(0).contains("this run exits with 4"), held.get(0));
            assertFalse(second.output().contains("Sync started"), second.output());
            assertFalse(second.output().contains("Exception"), "no stack trace: " + second.output());

            control.latency(0);
            assertEquals(0, exit(holder, 180), holder.output());
            assertTrue(holder.output().contains("Sync finished"), holder.output());

            Map<String, long[]> downloads = control.downloads();
            assertFalse(downloads.isEmpty());
            downloads.forEach((segment, n) -> assertEquals("1/1", n[0] + "/" + n[1], "segment " + segment + " downloaded once"));
            assertEquals(downloads.size(), segmentFiles().size(), "every downloaded segment is in the folder once");
            assertNoDuplicateLedgerLine();
            control.advanceDays(1);
        }
    }

    /**
     * A service started beside a one-shot run waits and says so once; the run is killed (SIGKILL) in the middle of its
     * sync; the kernel released the lock, the service takes the state over and syncs; a one-shot run afterwards finds
     * nothing missing. Nothing is lost and nothing is in the folder or the ledger twice.
     */
    @Test
    void aServiceWaitsForTheHolderAndTakesOverWhenTheHolderIsKilled() throws Exception {
        control.latency(1000);
        AppProcess.Running holder = sync("holder", "one-shot", Map.of());
        AppProcess.awaitOutput(holder, "Sync started", 120);
        AppProcess.Running service = sync("service", "service", Map.of());
        String waiting = AppProcess.awaitOutput(service, "this service waits and takes the state over", 120);
        assertTrue(waiting.contains(HELD + holder.process().pid() + " on "), waiting);
        // the holder dies in the middle of its deliveries: once the first segment went out
        AppProcess.await("the holder downloaded a segment", 120, () -> {
            assertTrue(holder.process().isAlive(), "the holder downloads: " + holder.output());
            return control.downloads().values().stream().anyMatch(n -> n[1] > 0);
        });
        holder.process().destroyForcibly(); // SIGKILL
        holder.process().waitFor();
        control.latency(0);
        String took = AppProcess.awaitOutput(service, "this service took it over", 60);
        assertEquals(1, took.lines().filter(l -> l.contains(HELD)).count(), "said once: " + took);
        AppProcess.awaitOutput(service, "Sync finished", 180);
        service.process().destroy(); // SIGTERM
        assertTrue(service.process().waitFor(30, TimeUnit.SECONDS), service.output());

        AppProcess.Running check = sync("check", "one-shot", Map.of());
        assertEquals(0, exit(check, 180), check.output());
        assertTrue(check.output().contains(": 0 new segment(s)"), "nothing was missing: " + check.output());

        Map<String, long[]> downloads = control.downloads();
        Set<String> completed = new HashSet<>();
        downloads.forEach((segment, n) -> {
            if (n[1] > 0) {
                completed.add(segment);
            }
        });
        assertFalse(completed.isEmpty());
        assertEquals(completed.size(), segmentFiles().size(), "every segment in the folder once: " + segmentFiles());
        assertNoDuplicateLedgerLine();
    }

    /** With the state in PostgreSQL (outside clustered mode) the lock is a session advisory lock in that database. */
    @Test
    void withTheStateInPostgresqlASecondProcessExits4AndTheNextRunsOnceTheHolderIsGone() throws Exception {
        boolean pg = Postgres.start();
        try {
            Map<String, String> db = new HashMap<>(Postgres.settings());
            db.remove("asc.state.store");
            db.put("ASC_STATE_STORE", "jdbc");
            Postgres.dropTables();
            AppProcess.Running service = sync("service", "service", db);
            AppProcess.awaitOutput(service, "Sync finished", 180);

            // another state folder, the same database: the database's lock is the one that counts
            Map<String, String> elsewhere = new HashMap<>(db);
            elsewhere.put("ASC_STATE_DIR", work.resolve("state-b").toString());
            AppProcess.Running second = sync("second", "one-shot", elsewhere);
            assertEquals(4, exit(second, 120), second.output());
            String line = second.output().lines().filter(l -> l.contains(HELD)).findFirst().orElseThrow(() -> new AssertionError(second.output()));
            assertTrue(line.contains("The state in the database jdbc:postgresql://") && line.contains(HELD + service.process().pid() + " on "), line);

            service.process().destroyForcibly(); // SIGKILL: the database ends the session, and its lock with it
            service.process().waitFor();
            AppProcess.Running next = sync("next", "one-shot", elsewhere);
            assertEquals(0, exit(next, 180), next.output());
            assertTrue(next.output().contains("Sync finished"), next.output());
        } finally {
            if (pg) {
                Postgres.stop();
            }
        }
    }
}
