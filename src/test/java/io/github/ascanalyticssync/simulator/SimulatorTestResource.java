package io.github.ascanalyticssync.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.QuarkusTestProfile.TestResourceEntry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The simulator beside the application under test, the way a user runs one: started in the test JVM on free ports
 * with application.properties' {@code asc.simulator.*} settings of the test profile (plus this resource's init args),
 * and the application pointed at it through configuration only. Global: every {@code @QuarkusTest} shares one per
 * application start; a test profile that needs other simulator settings brings its own ({@link #with}).
 */
@WithTestResource(value = SimulatorTestResource.class, scope = TestResourceScope.GLOBAL)
public class SimulatorTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile Simulator running;
    private Map<String, String> args = Map.of();

    /** A test profile's own simulator, with these settings over the test profile's: {@code testResources()} returns it. */
    public static List<TestResourceEntry> with(Map<String, String> settings) {
        return List.of(new TestResourceEntry(SimulatorTestResource.class, settings));
    }

    /**
     * A test profile with its own simulator instead of the shared one: {@link #simulatorSettings()} over the test
     * profile's {@code asc.simulator.*} settings.
     */
    public abstract static class OwnSimulator implements QuarkusTestProfile {

        /** The simulator's settings for this profile. */
        protected abstract Map<String, String> simulatorSettings();

        @Override
        public List<TestResourceEntry> testResources() {
            return with(simulatorSettings());
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Override
    public void init(Map<String, String> initArgs) {
        this.args = initArgs;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> settings = testProfileSettings();
        settings.putAll(args);
        running = Simulator.start(settings);
        // the application's own simulator stays off: the sync knows this one only through the two URLs
        return Map.of("asc.api.base-url", running.apiBaseUrl(), "asc.sync.download.simulator-storage-url", running.storageBaseUrl(),
                "asc.simulator.enabled", "false");
    }

    @Override
    public void stop() {
        if (running != null) {
            running.close();
            running = null;
        }
    }

    /** The simulator of the application under test (for tests that look inside it). */
    static Simulator running() {
        if (running == null) {
            throw new IllegalStateException("No simulator is running: the test is not a @QuarkusTest");
        }
        return running;
    }

    /** application.properties' {@code asc.simulator.*} under the test profile: demo and test keys, the simulated date, ports 0. */
    public static Map<String, String> testProfileSettings() {
        try {
            SmallRyeConfig config = new SmallRyeConfigBuilder().withProfile("test")
                    .withSources(new PropertiesConfigSource(SimulatorTestResource.class.getResource("/application.properties"), 100)).build();
            Map<String, String> settings = new HashMap<>();
            for (String name : config.getPropertyNames()) {
                if (name.startsWith("asc.simulator.")) {
                    config.getOptionalValue(name, String.class).ifPresent(v -> settings.put(name, v));
                }
            }
            return settings;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
