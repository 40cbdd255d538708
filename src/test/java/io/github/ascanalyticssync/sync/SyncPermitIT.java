package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.Postgres;
import io.github.ascanalyticssync.simulator.Simulator;

/**
 * The one permit of a sync is never lost: a service whose ledger in PostgreSQL cannot be read at the start of a sync
 * (the user's right to read the ledger table taken away, while a staged file makes the staging sweep read it) says so
 * in one line, and once the ledger can be read again the next sync runs, instead of every later tick being skipped as
 * "A sync is still running".
 */
class SyncPermitIT {

    @TempDir
    Path work;

    @Test
    void aSyncThatCannotStartGivesThePermitBackAndTheNextSyncRuns() throws Exception {
        boolean pg = Postgres.start();
        String schema = "permit_it_" + ProcessHandle.current().pid();
        try (Connection c = Postgres.connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
        }
        try (Simulator simulator = Simulator.start(Map.of("asc.simulator.api-port", "0", "asc.simulator.storage-port", "0",
                "asc.simulator.data.apps", "1", "asc.simulator.data.today", "2026-03-06"))) {
            Map<String, String> p = AppProcess.demoAccount(simulator.apiBaseUrl(), simulator.storageBaseUrl());
            p.putAll(Postgres.settings());
            p.put("quarkus.datasource.jdbc.url", p.get("quarkus.datasource.jdbc.url") + "?currentSchema=" + schema);
            p.put("asc.sync.mode", "service");
            p.put("asc.sync.interval", "2s");
            p.put("asc.sync.categories", "COMMERCE");
            p = AppProcess.settingsIn(work, p);
            AppProcess.Running service = AppProcess.start(List.of("-Xmx256m"), p, work);
            try {
                AppProcess.awaitOutput(service, "Sync finished", 180);
                // the ledger cannot be read, and a staged file makes the sweep before the next sync read it
                try (Connection c = Postgres.connect(); Statement s = c.createStatement()) {
                    s.execute("REVOKE SELECT ON " + schema + ".camel_messageprocessed FROM asc_sync");
                }
                Files.createDirectories(work.resolve("state/staging"));
                Files.writeString(work.resolve("state/staging/seg-x.tsv.gz"), "staged");
                String failed = AppProcess.awaitOutput(service, "The sync could not start:", 60);
                int at = failed.indexOf("The sync could not start:");
                assertTrue(failed.substring(at).lines().findFirst().orElse("").contains("the next sync tries again"), failed);

                try (Connection c = Postgres.connect(); Statement s = c.createStatement()) {
                    s.execute("GRANT SELECT ON " + schema + ".camel_messageprocessed TO asc_sync");
                }
                String after = AppProcess.await(service, out -> {
                    String since = out.substring(out.indexOf("The sync could not start:"));
                    return since.contains("Sync finished") ? since : null;
                }, "\"Sync finished\" after \"The sync could not start:\"", 120);
                assertTrue(after.contains("Sync started"), "the next sync ran: " + after);
                assertFalse(after.contains("A sync is still running"), after);
                assertFalse(service.output().contains("\tat "), "no stack trace: " + service.output());
            } finally {
                service.process().destroy();
                if (!service.process().waitFor(30, TimeUnit.SECONDS)) {
                    service.process().destroyForcibly().waitFor();
                }
            }
        } finally {
            try (Connection c = Postgres.connect(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
            if (pg) {
                Postgres.stop();
            }
        }
    }
}
