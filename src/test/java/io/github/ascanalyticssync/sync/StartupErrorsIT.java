package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.ascanalyticssync.AppProcess;

/** A wrong or missing setting stops the packaged application at start-up with one sentence naming it. */
class StartupErrorsIT {

    @TempDir
    Path work;

    private AppProcess.Result start(Map<String, String> settings) throws Exception {
        return AppProcess.runIn(work, settings, 90);
    }

    @Test
    void aMissingKeyIdIsNamed() throws Exception {
        start(Map.of("asc.api.issuer-id", "x", "asc.api.private-key-path", "classpath:simulator/demo/AuthKey_DEMOKEY001.p8"))
                .assertStoppedAtStartWith("asc.api.key-id is not set: give the key id of your App Store Connect API key (ASC_KEY_ID)");
    }

    @Test
    void anRsaKeyIsRefusedWithoutShowingIt() throws Exception {
        Path rsa = Path.of("src/test/resources/keys/rsa.p8").toAbsolutePath();
        AppProcess.Result result = start(Map.of("asc.api.key-id", "ABCDEFGHIJ", "asc.api.issuer-id", "x", "asc.api.private-key-path", rsa.toString()));
        result.assertStoppedAtStartWith("asc.api.private-key-path is not an EC private key");
        String keyLine = Files.readAllLines(rsa).get(1);
        assertFalse(result.output().contains(keyLine), "the key never reaches the log");
    }

    @Test
    void aSimulatorSwitchedOnUnderProdNeverRedirectsTheSync() throws Exception {
        AppProcess.Result result = start(Map.of("asc.simulator.enabled", "true", "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0"));
        result.assertStoppedAtStartWith("asc.simulator.enabled=true starts the App Store Connect simulator, but the simulator never changes where"
                + " the sync goes: set asc.api.base-url=http://127.0.0.1:");
        // one line of its own (the ports are the configured ones, 0 here), without the exception's name or a stack trace
        assertTrue(result.output().lines().anyMatch(l -> l.contains(" ERROR ") && l.contains(") asc.simulator.enabled=true starts")
                && l.contains("(and asc.sync.download.simulator-storage-url=http://127.0.0.1:")
                && l.endsWith(") to sync against it, or asc.sync.enabled=false to run it alone")), result.output());
        assertFalse(result.output().contains("ConfigurationException") || result.output().contains("at io.github.ascanalyticssync.run.SyncStartup"),
                "no stack trace of the check:\n" + result.output());
        assertFalse(result.output().contains("App Store Connect simulator: API at"), "the check comes before the simulator starts");
    }

    @Test
    void aSimulatorPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AppProcess.Result result = start(Map.of("quarkus.profile", "dev", "asc.simulator.api-port", "0",
                    "asc.simulator.storage-port", Integer.toString(taken.getLocalPort())));
            String sentence = "The App Store Connect simulator cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " (Address already in use); free the port or change asc.simulator.storage-port";
            assertTrue(result.assertStoppedAtStartWith(sentence).endsWith(sentence), result.output());
        }
    }

    @Test
    void anHttpPortInUseIsOneLineBeforeAnySyncStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AppProcess.Result result = start(Map.of("quarkus.profile", "dev", "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0",
                    "quarkus.http.host", "127.0.0.1", "quarkus.http.port", Integer.toString(taken.getLocalPort())));
            result.assertStoppedAtStartWith("The HTTP port 127.0.0.1:" + taken.getLocalPort() + " is in use by another process; stop it, or set"
                    + " quarkus.http.port (0: any free port)");
            assertFalse(result.output().contains("App Store Connect simulator: API at"), "nothing started before the check:\n" + result.output());
        }
    }

    @Test
    void aWrongCategoryIsNamed() throws Exception {
        start(Map.of("quarkus.profile", "dev", "asc.simulator.api-port", "0", "asc.simulator.storage-port", "0",
                "asc.sync.categories", "APP_STORE_COMMERCE"))
                .assertStoppedAtStartWith("asc.sync.categories has 'APP_STORE_COMMERCE', which is not one of");
    }
}
