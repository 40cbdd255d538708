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
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.simulator.Simulator;
import io.github.ascanalyticssync.token.TokenIssuer;

/**
 * The packaged application, configured through the environment as a user does, against a simulator: every wait on a
 * limit is said once (whose limit, until when), bounded by asc.sync.rate-limit.max-wait in one-shot mode (exit 3 with a
 * sentence naming whose limit it was), progress lines go on while it waits, and the default own budget yields to
 * App Store Connect's announced remainder while a configured one holds.
 */
class HonestWaitsIT {

    static final String KEY = "DEMOKEY001";
    static final String OWN = "The sync's own budget for key " + KEY + " is spent";
    static final String APPLE = "App Store Connect's quota for key " + KEY;
    /** A clock time in UTC, as every wait line gives it. */
    static final Pattern UNTIL = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");

    @TempDir
    Path work;

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    private static Simulator simulator(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>(Map.of("asc.simulator.api-port", "0", "asc.simulator.storage-port", "0", "asc.simulator.data.apps", "1",
                "asc.simulator.data.today", "2026-03-06"));
        s.putAll(extra);
        return Simulator.start(s);
    }

    private Map<String, String> app(Simulator simulator, String mode) {
        Map<String, String> p = new HashMap<>();
        p.put("asc.api.base-url", simulator.apiBaseUrl());
        p.put("asc.sync.download.simulator-storage-url", simulator.storageBaseUrl());
        p.put("asc.api.issuer-id", "69a6de70-03db-47e3-e053-5b8c7c11a4d1");
        p.put("asc.api.key-id", KEY);
        p.put("asc.api.private-key-path", key().toString());
        p.put("quarkus.http.port", "0");
        p.put("asc.sync.mode", mode);
        p.put("asc.sync.categories", "COMMERCE");
        p.put("asc.state.dir", work.resolve("state").toString());
        p.put("asc.destinations.local.path", work.resolve("reports").toString());
        return p;
    }

    private static Path key() {
        return Path.of("src/main/resources/simulator/demo/AuthKey_DEMOKEY001.p8").toAbsolutePath();
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
            long[] calls = calls(simulator);
            assertTrue(calls[0] <= 150, "no more calls than the own budget: " + calls[0]);
            assertEquals(0, calls[1], "no 429");
        }
    }

    @Test
    void aWaitForTheOwnBudgetIsSaidOncePerEpisodeAndProgressLinesGoOnDuringIt() throws Exception {
        try (Simulator simulator = simulator(Map.of())) {
            AppProcess.Result run = AppProcess.run(List.of(), app(simulator, "one-shot"),
                    Map.of("ASC_RATE_LIMIT_CALLS", "20", "ASC_SYNC_RATE_LIMIT_WINDOW", "15s", "ASC_SYNC_RATE_LIMIT_MAX_WAIT", "1m"), work, 400);
            String out = run.output();
            assertEquals(0, run.exitCode(), "waits within the max-wait end by themselves: " + out);
            long calls = calls(simulator)[0];
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
    void appleQuotaUsedUpWithARetryAfterBeyondTheMaxWaitIsSaidOnceAndEndsTheRunNamingApple() throws Exception {
        int quota = 10;
        try (Simulator simulator = simulator(Map.of("asc.simulator.rate-limit.per-hour", Integer.toString(quota),
                "asc.simulator.rate-limit.retry-after-seconds", "3600"))) {
            useUpTheQuota(simulator, quota);
            AppProcess.Result run = AppProcess.run(List.of(), app(simulator, "one-shot"), Map.of("ASC_SYNC_RATE_LIMIT_MAX_WAIT", "20s"), work, 240);
            String out = run.output();
            assertEquals(3, run.exitCode(), out);
            List<String> waitLines = said(out, APPLE + " is used up until");
            assertEquals(1, waitLines.size(), "said once: " + out);
            assertTrue(UNTIL.matcher(waitLines.get(0)).find() && waitLines.get(0).contains("asc.sync.rate-limit.max-wait (20s)"), waitLines.get(0));
            assertTrue(sentence(out).contains(APPLE + " is used up; left for the next run:"), out);
            assertFalse(out.contains("own budget"), "the own budget is not blamed: " + out);
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
            long made = calls(simulator)[0];
            assertTrue(made <= 5, "at most the 5 calls the own budget had left: " + made);

            Files.writeString(work.resolve("state/state.properties"), stored);
            AppProcess.Result byDefault = AppProcess.run(List.of(), app(simulator, "one-shot"), Map.of(), work.resolve("default"), 240);
            assertEquals(0, byDefault.exitCode(), "the default own count did not stop the run: " + byDefault.output());
            assertTrue(calls(simulator)[0] - made > 5, "more calls than the own count had left");
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

    /** Another client with the same key spends the whole quota of the hour. */
    private void useUpTheQuota(Simulator simulator, int quota) throws Exception {
        String token = new TokenIssuer(TokenIssuer.credentials(Optional.of(KEY), Optional.of("69a6de70-03db-47e3-e053-5b8c7c11a4d1"), false,
                Optional.empty(), Optional.of(key().toString())), Duration.ofMinutes(19), Duration.ofMinutes(1), Clock.systemUTC()).token();
        for (int i = 0; i < quota; i++) {
            HttpRequest get = HttpRequest.newBuilder(URI.create(simulator.apiBaseUrl() + "/v1/apps")).header("Authorization", "Bearer " + token).build();
            assertEquals(200, http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }
}
