package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.SimulatorControl;
import io.github.ascanalyticssync.simulator.Simulator;

/**
 * The packaged application configured the way the README's "With your App Store Connect account" block does it:
 * environment variables only, from another working directory, against a simulator standing in for Apple. The block's
 * variables (the account, the apps, the selection, the folders) work; a misspelt variable, a value of the wrong type,
 * a key in the wrong form, and a destination without a property its sink requires each stop the start with one line
 * and exit 2; an app id that does not exist is said once, not retried, and the run exits 1.
 */
class EnvironmentIT {

    private static final String APP = "1111111111";
    private static final String OTHER_APP = "2222222222";
    private static final Path DEMO_KEY = Path.of("src/main/resources/simulator/demo/AuthKey_DEMOKEY001.p8").toAbsolutePath();

    private static Simulator simulator;

    @TempDir
    Path work;

    @BeforeAll
    static void simulator() {
        simulator = Simulator.start(OneShotRun.simulatorSettings(Map.of("asc.simulator.data.app-ids", APP + "," + OTHER_APP)));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    /** The README's block: the account, the apps; with the simulator's URLs, one-shot, a small selection, folders in work. */
    private Map<String, String> account(String... more) {
        Map<String, String> env = new HashMap<>();
        env.put("ASC_ISSUER_ID", AppProcess.DEMO_ISSUER);
        env.put("ASC_KEY_ID", "DEMOKEY001");
        env.put("ASC_PRIVATE_KEY_PATH", DEMO_KEY.toString());
        env.put("ASC_APP_IDS", APP);
        env.putAll(OneShotRun.environment(simulator, work));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private AppProcess.Result run(Map<String, String> env) throws Exception {
        return run(env, Map.of());
    }

    private AppProcess.Result run(Map<String, String> env, Map<String, String> properties) throws Exception {
        Map<String, String> p = new HashMap<>(Map.of("quarkus.http.port", "0"));
        p.putAll(properties);
        return AppProcess.run(List.of("-Xmx256m"), p, env, work.resolve("run"), 300);
    }

    private List<String> appFolders() throws Exception {
        Path reports = work.resolve("reports");
        if (!Files.exists(reports)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(reports)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theReadmesAccountBlockSyncsTheAppsOfAscAppIds() throws Exception {
        AppProcess.Result result = run(account());
        assertEquals(0, result.exitCode(), result.output());
        assertEquals(List.of("app_id=" + APP), appFolders(), "ASC_APP_IDS restricts the apps:\n" + result.output());
        try (Stream<Path> s = Files.walk(work.resolve("reports"))) {
            assertTrue(s.anyMatch(f -> f.getFileName().toString().endsWith(".tsv.gz")), "segments delivered:\n" + result.output());
        }
    }

    @Test
    void anAppIdThatDoesNotExistIsSaidOnceNotRetriedAndTheRunExits1() throws Exception {
        SimulatorControl control = new SimulatorControl(simulator.apiBaseUrl());
        control.clearCalls();
        AppProcess.Result result = run(account("ASC_APP_IDS", "9999999999"));
        String out = result.output();
        assertEquals(1, result.exitCode(), out);
        List<String> errors = out.lines().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(1, errors.size(), out);
        assertTrue(errors.get(0).contains("app 9999999999 does not exist or this key cannot see it"), out);
        assertTrue(errors.get(0).contains("asc.sync.app-ids (ASC_APP_IDS)"), out);
        assertFalse(out.contains("failed after its retries"), out);
        assertEquals(1, control.calls(404), "one call, no retry:\n" + out);
    }

    @Test
    void aMisspeltVariableIsRefusedWithTheClosestName() throws Exception {
        run(account("ASC_ISSUERID", "x")).assertStoppedAtStartWith("Unknown environment variable ASC_ISSUERID; did you mean ASC_ISSUER_ID?");
    }

    @Test
    void aValueOfTheWrongTypeIsOneLineAndExit2() throws Exception {
        run(account("ASC_SYNC_MODE", "oneshot")).assertStoppedAtStartWith("asc.sync.mode is 'oneshot' (ASC_SYNC_MODE); expected one of ");
        run(account("ASC_SYNC_INTERVAL", "abc"))
                .assertStoppedAtStartWith("asc.sync.interval is 'abc' (ASC_SYNC_INTERVAL); expected a duration such as 30s, 15m, 1h or 2d");
        // a yes-or-no setting SmallRye would read as false
        run(account("ASC_SYNC_READ_ONLY", "maybe")).assertStoppedAtStartWith("asc.sync.read-only is 'maybe' (ASC_SYNC_READ_ONLY); expected true or false");
        // so would be a key's own, read by name at run time
        run(account("ASC_KEYS", "team-a", "ASC_KEYS_TEAM_A_KEY_ID", "DEMOKEY001", "ASC_KEYS_TEAM_A_READ_ONLY", "maybe"))
                .assertStoppedAtStartWith("asc.keys.team-a.read-only is 'maybe'; expected true or false");
    }

    /** Also: ASC_LOCAL_ENABLED (the clustered overlay's), the tests' ASC_TEST_* and Kubernetes' service links pass the check. */
    @Test
    void aSec1KeySaysHowToConvertIt() throws Exception {
        Path sec1 = Path.of("src/test/resources/keys/sec1.pem").toAbsolutePath();
        AppProcess.Result result = run(account("ASC_PRIVATE_KEY_PATH", sec1.toString(), "ASC_LOCAL_ENABLED", "false", "ASC_TEST_PG_PORT", "5432",
                "ASC_ANALYTICS_SYNC_SERVICE_HOST", "10.0.0.1", "ASC_ANALYTICS_SYNC_PORT", "tcp://10.0.0.1:8080"));
        result.assertStoppedAtStartWith("asc.api.private-key-path is an EC key in SEC1 form (BEGIN EC PRIVATE KEY), not a .p8 (BEGIN PRIVATE KEY):"
                + " convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out AuthKey.p8");
        assertFalse(result.output().contains(Files.readAllLines(sec1).get(1)), "the key never reaches the log");
    }

    @Test
    void aDestinationWithoutARequiredPropertyOfItsSinkIsNamed() throws Exception {
        Path extra = Files.createDirectories(work.resolve("extra"));
        Files.writeString(extra.resolve("archive.yaml"), TestFiles.destinationRoute("archive", "kamelet:asc-folder-sink/archive"));
        AppProcess.Result result = run(account("ASC_ROUTES_DIR", extra.toString()));
        result.assertStoppedAtStartWith("Destination archive (route deliver-archive): its sink, the Kamelet asc-folder-sink, requires the property"
                + " path, which is not set");
    }
}
