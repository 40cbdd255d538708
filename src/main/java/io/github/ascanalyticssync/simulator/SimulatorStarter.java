package io.github.ascanalyticssync.simulator;

import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Starts the simulator in this process when {@code asc.simulator.enabled=true}, with the application's
 * {@code asc.simulator.*} settings. The only simulator class the application loads when it is off: the sync never
 * talks to it through code, only through {@code asc.api.base-url} and {@code asc.sync.download.simulator-storage-url}.
 */
@Singleton
public class SimulatorStarter {

    private static final String PREFIX = "asc.simulator.";

    @ConfigProperty(name = "asc.simulator.enabled", defaultValue = "false")
    boolean enabled;

    // typed as the interface: the JVM's verifier then need not load Simulator while the simulator is off
    private AutoCloseable simulator;

    /** Before the sync's start-up checks, which a first sync waits for: the simulator answers before the sync calls it. */
    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (enabled) {
            simulator = Simulator.start(settings(ConfigProvider.getConfig()));
        }
    }

    void onStop(@Observes ShutdownEvent event) throws Exception {
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
