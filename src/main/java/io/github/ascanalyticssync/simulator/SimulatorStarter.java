package io.github.ascanalyticssync.simulator;

import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.apache.camel.quarkus.main.events.AfterStart;
import org.apache.camel.quarkus.main.events.AfterStop;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import org.jboss.logging.Logger;

import io.quarkus.runtime.PreventFurtherStepsException;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Starts the simulator in this process when {@code asc.simulator.enabled=true}, with the application's
 * {@code asc.simulator.*} settings. The only simulator class the application loads when it is off: the sync never
 * talks to it through code, only through {@code asc.api.base-url} and {@code asc.sync.download.simulator-storage-url}.
 */
@Singleton
public class SimulatorStarter {

    private static final Logger LOG = Logger.getLogger(SimulatorStarter.class);
    private static final String PREFIX = "asc.simulator.";

    @ConfigProperty(name = "asc.simulator.enabled", defaultValue = "false")
    boolean enabled;

    // typed as the interface: the JVM's verifier then need not load Simulator while the simulator is off
    private AutoCloseable simulator;

    /**
     * After the sync's start-up checks (SyncStartup, at Camel's BeforeConfigure with the default priority) and before
     * Camel loads the routes: the simulator answers before the first sync calls it, and a port in use stops the start
     * like a wrong setting, with one line and exit code 2.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) BeforeConfigure event) {
        if (enabled) {
            try {
                simulator = Simulator.start(settings(ConfigProvider.getConfig()));
            } catch (IllegalStateException e) {
                // a port in use or a bad setting: its sentence names the setting; one line, exit 2, no stack trace
                LOG.error(e.getMessage());
                LOG.debug("The simulator did not start", e);
                throw new PreventFurtherStepsException(2);
            }
        }
    }

    // whether Camel (the sync) runs: the simulator then stops only after it, so that a sync stopped by Ctrl+C finishes
    // its calls in flight against a simulator that still answers, instead of failing on a closed port
    private volatile boolean camelRunning;

    void camelStarted(@Observes AfterStart event) {
        camelRunning = true;
    }

    void camelStopped(@Observes AfterStop event) throws Exception {
        camelRunning = false;
        close();
    }

    /** Quarkus stops: the simulator closes now unless Camel still runs (then after it, above). */
    void onStop(@Observes ShutdownEvent event) throws Exception {
        if (!camelRunning) {
            close();
        }
    }

    private synchronized void close() throws Exception {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }

    private static Map<String, String> settings(Config config) {
        Map<String, String> settings = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                config.getOptionalValue(name, String.class).ifPresent(value -> settings.put(name, value));
            }
        }
        return settings;
    }
}
