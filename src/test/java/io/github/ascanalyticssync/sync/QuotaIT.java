package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.Postgres;
import io.github.ascanalyticssync.SimulatorControl;
import io.github.ascanalyticssync.simulator.Simulator;
import io.github.ascanalyticssync.simulator.Tokens;

/**
 * The packaged application against a simulator (in this JVM), limited by App Store Connect's quota or by its own
 * budget; the limits configured through the environment as a user does. Every wait on a limit is said once (whose
 * limit, until when), bounded by asc.sync.rate-limit.max-wait in one-shot mode (exit 3 with a sentence naming whose
 * limit it was), progress lines go on while it waits, and the default own budget yields to App Store Connect's
 * announced remainder while a configured one holds.
 * <p>
 * The key's hourly quota used up by another client with the same key: a one-shot run meets at most two 429s, starts
 * no further call, exits 3 with one sentence, and the next process (with the state in a file or in PostgreSQL) starts
 * no call at all; a Retry-After of a day ends a one-shot run within seconds; SIGTERM ends a service run that waits for
 * the quota, or for its own budget, within seconds.
 */
class QuotaIT {

    static final int QUOTA = 10;
    static final String KEY = Tokens.ADMIN;
    static final String SENTENCE = "App Store Connect's quota for key " + KEY + " is used up; left for the next run:";
    static final String OWN = "The sync's own budget for key " + KEY + " is spent";
    static final String APPLE = "App Store Connect's quota for key " + KEY;
    /** A clock time in UTC, as every wait line gives it. */
    static final Pattern UNTIL = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");

    @TempDir
    Path work;

    final HttpClient http = HttpClient.newHttpClient();

    /** A simulator of one app, with these settings on top; its quota per hour is the default one unless given. */
    private static Simulator simulator(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(Map.of("asc.simulator.api-port", "0", "asc.simulator.storage-port", "0", "asc.simulator.data.apps", "1",
                "asc.simulator.data.today", "2026-03-06"));
        s.putAll(extra);
        return Simulator.start(s);
    }

    /** A simulator whose quota per hour is {@link #QUOTA}, with these settings on top. */
    private static Simulator smallQuota(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(Map.of("asc.simulator.rate-limit.per-hour", Integer.toString(QUOTA)));
        s.putAll(extra);
        return simulator(s);
    }

    /** The demo key's account against the simulator, its commerce reports, state and reports in the test's folder. */
    private Map<String, String> app(Simulator simulator, String mode) {
        Map<String, String> p = AppProcess.demoAccount(simulator.apiBaseUrl(), simulator.storageBaseUrl());
        p.put("asc.sync.mode", mode);
        p.put("asc.sync.categories", "COMMERCE");
        return AppProcess.settingsIn(work, p);
    }

    /** The same with the state in a folder of its own. */
    private Map<String, String> app(Simulator simulator, String mode, String stateDir) {
        Map<String, String> p = app(simulator, mode);
        p.put("asc.state.dir", work.resolve(stateDir).toString());
        return p;
    }

    /** Another client with the same key spends the whole quota of the hour. */
    private void useUpTheQuota(Simulator simulator) throws Exception {
        String token = Tokens.valid(KEY);
        for (int i = 0; i < QUOTA; i++) {
            HttpRequest get = HttpRequest.newBuilder(URI.create(simulator.apiBaseUrl() + "/v1/apps")).header("Authorization", "Bearer " + token).build();
            assertEquals(200, http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    private static List<String> lines(String output, String text) {
        return output.lines().filter(l -> l.contains(text)).toList();
    }

    /** The rate budget's own lines that contain the text (Camel's line on the refused call repeats no sentence of it). */
    private static List<String> said(String output, String text) {
        return lines(output, text).stream().filter(l -> l.contains("[io.git.asc.api.RateBudget]")).toList();
    }

    /** The closing sentence of a sync that left work for the next run (logged as "Not delivered: ..."). */
    private static String sentence(String output) {
        List<String> s = lines(output, "; left for the next run:");
        assertEquals(1, s.size(), "one closing sentence: " + output);
        return s.get(0);
    }

    private static void assertOneSentenceNoErrorFlood(AppProcess.Result run) {
        assertEquals(3, run.exitCode(), run.output());
        assertEquals(1, lines(run.output(), SENTENCE).size(), run.output());
        assertTrue(run.output().contains("One-shot sync done, exiting with 3"), run.output());
        assertEquals(0, lines(run.output(), " ERROR ").size(), "no error per report: " + run.output());
    }

    private void aUsedUpQuotaIsSharedKnowledge(Map<String, String> store) throws Exception {
        try (Simulator simulator = smallQuota(Map.of())) {
            useUpTheQuota(simulator);
            SimulatorControl control = new SimulatorControl(simulator.apiBaseUrl());
            long before = control.calls();
            long limitedBefore = control.calls(429);
            Map<String, String> first = app(simulator, "one-shot", "state-a");
            first.putAll(store);
            AppProcess.Result run = AppProcess.run(List.of(), first, work.resolve("a"), 150);
            assertOneSentenceNoErrorFlood(run);
            long after = control.calls();
            long limited = control.calls(429) - limitedBefore;
            assertTrue(limited >= 1 && limited <= 2, "at most two calls met a 429: " + limited);
            assertEquals(limited, after - before, "no call went on after the quota was gone");

            // the next process (a CronJob run; with jdbc, another replica with a folder of its own) knows from its first call
            Map<String, String> second = app(simulator, "one-shot", store.isEmpty() ? "state-a" : "state-b");
            second.putAll(store);
            AppProcess.Result next = AppProcess.run(List.of(), second, work.resolve("b"), 150);
            assertOneSentenceNoErrorFlood(next);
            assertEquals(after, control.calls(), "the next run started no call: " + next.output());
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

    /**
     * Apple's quota used up, its Retry-After a day, beyond the max-wait (set in the environment): the wait is said once
     * naming Apple, until when and the max-wait, and the run ends within seconds with one sentence naming Apple.
     */
    @Test
    void aRetryAfterOfADayIsSaidOnceAndEndsAOneShotRunWithinSecondsNamingApple() throws Exception {
        try (Simulator simulator = smallQuota(Map.of("asc.simulator.rate-limit.retry-after-seconds", "86400"))) {
            useUpTheQuota(simulator);
            long started = System.nanoTime();
            AppProcess.Result run = AppProcess.run(List.of(), app(simulator, "one-shot"), Map.of("ASC_SYNC_RATE_LIMIT_MAX_WAIT", "20s"), work, 150);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            String out = run.output();
            assertOneSentenceNoErrorFlood(run);
            assertTrue(out.contains("longer than asc.sync.rate-limit.max-wait (20s): this run starts no further API call"), out);
            assertTrue(seconds < 60, "it did not wait for the day: " + seconds + " s");
            List<String> waitLines = said(out, APPLE + " is used up until");
            assertEquals(1, waitLines.size(), "said once: " + out);
            assertTrue(UNTIL.matcher(waitLines.get(0)).find() && waitLines.get(0).contains("asc.sync.rate-limit.max-wait (20s)"), waitLines.get(0));
            assertTrue(sentence(out).contains(APPLE + " is used up; left for the next run:"), out);
            assertFalse(out.contains("own budget"), "the own budget is not blamed: " + out);
        }
    }

    @Test
    void sigtermEndsAServiceRunWaitingForTheQuotaWithinSeconds() throws Exception {
        try (Simulator simulator = smallQuota(Map.of())) {
            useUpTheQuota(simulator);
            AppProcess.Running service = AppProcess.start(List.of(), app(simulator, "service"), work);
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

    @Test
    void theOwnBudgetSpentEndsAOneShotRunWithinTheMaxWaitSaysSoOnceAndDoesNotBlameApple() throws Exception {
        // three apps, every category: a sync of far more than 150 calls
        try (Simulator simulator = simulator(Map.of("asc.simulator.data.apps", "3"))) {
            Map<String, String> settings = app(simulator, "one-shot");
            settings.remove("asc.sync.categories");
            AppProcess.Result run = AppProcess.run(List.of(), settings, Map.of("ASC_RATE_LIMIT_CALLS", "150", "ASC_SYNC_RATE_LIMIT_MAX_WAIT", "20s"),
                    work, 240);
            String out = run.output();
            assertEquals(3, run.exitCode(), out);
            assertTrue(out.contains("One-shot sync done, exiting with 3"), out);
            // one line when the wait began (beyond the max-wait here)
            List<String> waitLines = said(out, OWN + " (asc.sync.rate-limit.calls-per-window=150 calls per 1h");
            assertEquals(1, waitLines.size(), "the wait is said once: " + out);
            assertTrue(UNTIL.matcher(waitLines.get(0)).find(), "it says until when: " + waitLines.get(0));
            assertTrue(waitLines.get(0).contains("asc.sync.rate-limit.max-wait (20s)"), waitLines.get(0));
            String sentence = sentence(out);
            assertTrue(sentence.contains(OWN + " (asc.sync.rate-limit.calls-per-window=150 calls per 1h"), sentence);
            assertFalse(out.contains(APPLE), "Apple's quota is not blamed: " + out);
            assertFalse(out.contains("The application stopped"), out);
            SimulatorControl control = new SimulatorControl(simulator.apiBaseUrl());
            long calls = control.calls();
            assertTrue(calls <= 150, "no more calls than the own budget: " + calls);
            assertEquals(0, control.calls(429), "no 429");
        }
    }

    @Test
    void aWaitForTheOwnBudgetIsSaidOncePerEpisodeAndProgressLinesGoOnDuringIt() throws Exception {
        try (Simulator simulator = simulator(Map.of())) {
            AppProcess.Result run = AppProcess.run(List.of(), app(simulator, "one-shot"),
                    Map.of("ASC_RATE_LIMIT_CALLS", "20", "ASC_SYNC_RATE_LIMIT_WINDOW", "15s", "ASC_SYNC_RATE_LIMIT_MAX_WAIT", "1m"), work, 400);
            String out = run.output();
            assertEquals(0, run.exitCode(), "waits within the max-wait end by themselves: " + out);
            long calls = new SimulatorControl(simulator.apiBaseUrl()).calls();
            assertTrue(calls > 2 * 20, "the sync needed several windows: " + calls);
            List<String> said = said(out, OWN + " (asc.sync.rate-limit.calls-per-window=20 calls per 15s): API calls resume at");
            assertTrue(!said.isEmpty() && said.size() <= calls / 20 + 1, "one line per wait, not per call (" + calls + " calls): " + said);
            said.forEach(l -> assertTrue(UNTIL.matcher(l).find(), "until when: " + l));
            assertFalse(lines(out, "Progress app ").stream().filter(l -> l.contains("(waiting for the sync's own budget for key " + KEY + " until"))
                    .toList().isEmpty(), "progress lines go on while it waits: " + out);
            assertFalse(out.contains(APPLE), "Apple's quota is not blamed: " + out);
        }
    }

    @Test
    void theDefaultOwnBudgetYieldsToAppleAnnouncingPlentyWhileAConfiguredOneHolds() throws Exception {
        try (Simulator simulator = simulator(Map.of())) {
            // the previous process (same state folder) made 2,995 calls in the last minutes; Apple announced 3,500 left
            long now = System.currentTimeMillis();
            String stored = "rate-budget/" + KEY + "=limit=3600;remaining=3500;observed=" + now + ";calls=" + (now - 60_000) + ":2995\n";
            Files.createDirectories(work.resolve("state"));
            Files.writeString(work.resolve("state/state.properties"), stored);
            AppProcess.Result configured = AppProcess.run(List.of(), app(simulator, "one-shot"), Map.of("ASC_RATE_LIMIT_CALLS", "3000"),
                    work.resolve("configured"), 240);
            assertEquals(3, configured.exitCode(), "a configured budget holds: " + configured.output());
            assertTrue(sentence(configured.output()).contains(OWN + " (asc.sync.rate-limit.calls-per-window=3000 calls per 1h"), configured.output());
            SimulatorControl control = new SimulatorControl(simulator.apiBaseUrl());
            long made = control.calls();
            assertTrue(made <= 5, "at most the 5 calls the own budget had left: " + made);

            Files.writeString(work.resolve("state/state.properties"), stored);
            AppProcess.Result byDefault = AppProcess.run(List.of(), app(simulator, "one-shot"), Map.of(), work.resolve("default"), 240);
            assertEquals(0, byDefault.exitCode(), "the default own count did not stop the run: " + byDefault.output());
            assertTrue(control.calls() - made > 5, "more calls than the own count had left");
            assertFalse(byDefault.output().contains("own budget"), byDefault.output());
        }
    }

    @Test
    void aStoppedRunSaysWhoseLimitItWaitedFor() throws Exception {
        try (Simulator simulator = simulator(Map.of())) {
            AppProcess.Running service = AppProcess.start(List.of(), app(simulator, "service"), Map.of("ASC_RATE_LIMIT_CALLS", "20"), work);
            try {
                String waiting = AppProcess.awaitOutput(service, OWN, 180);
                assertTrue(lines(waiting, OWN).get(0).contains("API calls resume at"), waiting);
                service.process().destroy(); // SIGTERM
                assertTrue(service.process().waitFor(60, TimeUnit.SECONDS), "SIGTERM ended the wait: " + service.output());
                String out = service.output();
                assertTrue(out.contains("The application stopped while waiting for the sync's own budget for key " + KEY), out);
                assertFalse(out.contains(APPLE), "Apple's quota is not blamed: " + out);
            } finally {
                service.process().destroyForcibly().waitFor();
            }
        }
    }
}
