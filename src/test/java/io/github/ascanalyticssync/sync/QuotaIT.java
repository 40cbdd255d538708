package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.Postgres;
import io.github.ascanalyticssync.simulator.Simulator;
import io.github.ascanalyticssync.token.TokenIssuer;

/**
 * The packaged application against a simulator (in this JVM) whose hourly quota of the key another client has just
 * used up with the same key: a one-shot run meets at most two 429s, starts no further call, exits 3 with one sentence,
 * and the next process (with the state in a file or in PostgreSQL) starts no call at all; a Retry-After of a day ends a
 * one-shot run within seconds; SIGTERM ends a service run that waits for the quota within seconds.
 */
class QuotaIT {

    static final int QUOTA = 10;
    static final String SENTENCE = "App Store Connect's quota for key DEMOKEY001 is used up; left for the next run:";

    @TempDir
    Path work;

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    private Simulator simulator(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(Map.of("asc.simulator.api-port", "0", "asc.simulator.storage-port", "0", "asc.simulator.data.apps", "1",
                "asc.simulator.data.today", "2026-03-06", "asc.simulator.rate-limit.per-hour", Integer.toString(QUOTA)));
        s.putAll(extra);
        return Simulator.start(s);
    }

    private Map<String, String> app(Simulator simulator, String mode, String stateDir) {
        Map<String, String> p = new HashMap<>();
        p.put("asc.api.base-url", simulator.apiBaseUrl());
        p.put("asc.sync.download.simulator-storage-url", simulator.storageBaseUrl());
        p.put("asc.api.issuer-id", "69a6de70-03db-47e3-e053-5b8c7c11a4d1");
        p.put("asc.api.key-id", "DEMOKEY001");
        p.put("asc.api.private-key-path", key().toString());
        p.put("quarkus.http.port", "0");
        p.put("asc.sync.mode", mode);
        p.put("asc.sync.categories", "COMMERCE");
        p.put("asc.state.dir", work.resolve(stateDir).toString());
        p.put("asc.destinations.local.path", work.resolve("reports").toString());
        return p;
    }

    private static Path key() {
        return Path.of("src/main/resources/simulator/demo/AuthKey_DEMOKEY001.p8").toAbsolutePath();
    }

    /** Another client with the same key spends the whole quota of the hour. */
    private void useUpTheQuota(Simulator simulator) throws Exception {
        String token = new TokenIssuer(TokenIssuer.credentials(Optional.of("DEMOKEY001"), Optional.of("69a6de70-03db-47e3-e053-5b8c7c11a4d1"), false,
                Optional.empty(), Optional.of(key().toString())), Duration.ofMinutes(19), Duration.ofMinutes(1), Clock.systemUTC()).token();
        for (int i = 0; i < QUOTA; i++) {
            HttpRequest get = HttpRequest.newBuilder(URI.create(simulator.apiBaseUrl() + "/v1/apps")).header("Authorization", "Bearer " + token).build();
            assertEquals(200, http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    /** The simulator's API calls so far: {all, answered 429}. */
    private long[] calls(Simulator simulator) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create(simulator.apiBaseUrl() + "/simulator/calls")).build();
        JsonNode calls = json.readTree(http.send(get, HttpResponse.BodyHandlers.ofString()).body()).path("calls");
        long all = 0;
        long limited = 0;
        for (JsonNode c : calls) {
            all += c.path("count").asLong();
            limited += c.path("status").asInt() == 429 ? c.path("count").asLong() : 0;
        }
        return new long[] { all, limited };
    }

    private static long lines(String output, String text) {
        return output.lines().filter(l -> l.contains(text)).count();
    }

    private static void assertOneSentenceNoErrorFlood(AppProcess.Result run) {
        assertEquals(3, run.exitCode(), run.output());
        assertEquals(1, lines(run.output(), SENTENCE), run.output());
        assertTrue(run.output().contains("One-shot sync done, exiting with 3"), run.output());
        assertEquals(0, lines(run.output(), " ERROR "), "no error per report: " + run.output());
    }

    private void aUsedUpQuotaIsSharedKnowledge(Map<String, String> store) throws Exception {
        try (Simulator simulator = simulator(Map.of())) {
            useUpTheQuota(simulator);
            long[] before = calls(simulator);
            Map<String, String> first = app(simulator, "one-shot", "state-a");
            first.putAll(store);
            AppProcess.Result run = AppProcess.run(List.of(), first, work.resolve("a"), 150);
            assertOneSentenceNoErrorFlood(run);
            long[] after = calls(simulator);
            assertTrue(after[1] - before[1] >= 1 && after[1] - before[1] <= 2, "at most two calls met a 429: " + (after[1] - before[1]));
            assertEquals(after[1] - before[1], after[0] - before[0], "no call went on after the quota was gone");

            // the next process (a CronJob run; with jdbc, another replica with a folder of its own) knows from its first call
            Map<String, String> second = app(simulator, "one-shot", store.isEmpty() ? "state-a" : "state-b");
            second.putAll(store);
            AppProcess.Result next = AppProcess.run(List.of(), second, work.resolve("b"), 150);
            assertOneSentenceNoErrorFlood(next);
            assertEquals(after[0], calls(simulator)[0], "the next run started no call: " + next.output());
        }
    }

    @Test
    void aOneShotRunMeetsAtMostTwo429sExits3AndTheNextRunStartsNoCall() throws Exception {
        aUsedUpQuotaIsSharedKnowledge(Map.of());
    }

    @Test
    void withTheStateInPostgresqlTheNextProcessKnowsTheQuotaToo() throws Exception {
        boolean started = Postgres.start();
        try {
            Postgres.dropTables();
            aUsedUpQuotaIsSharedKnowledge(Postgres.settings());
        } finally {
            if (started) {
                Postgres.stop();
            }
        }
    }

    @Test
    void aRetryAfterOfADayEndsAOneShotRunWithinSeconds() throws Exception {
        try (Simulator simulator = simulator(Map.of("asc.simulator.rate-limit.retry-after-seconds", "86400"))) {
            useUpTheQuota(simulator);
            long started = System.nanoTime();
            AppProcess.Result run = AppProcess.run(List.of(), app(simulator, "one-shot", "state"), work, 150);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertOneSentenceNoErrorFlood(run);
            assertTrue(run.output().contains("longer than asc.sync.rate-limit.max-wait (5m): this run starts no further API call"), run.output());
            assertTrue(seconds < 60, "it did not wait for the day: " + seconds + " s");
        }
    }

    @Test
    void sigtermEndsAServiceRunWaitingForTheQuotaWithinSeconds() throws Exception {
        try (Simulator simulator = simulator(Map.of())) {
            useUpTheQuota(simulator);
            AppProcess.Running service = AppProcess.start(List.of(), app(simulator, "service", "state"), work);
            try {
                AppProcess.awaitOutput(service, "API calls resume at", 120); // the service waits for the quota
                long stopping = System.nanoTime();
                service.process().destroy(); // SIGTERM
                assertTrue(service.process().waitFor(20, TimeUnit.SECONDS), "SIGTERM ended the wait: " + service.output());
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopping);
                assertTrue(seconds < 20, seconds + " s");
            } finally {
                service.process().destroyForcibly().waitFor();
            }
        }
    }
}
