package io.github.ascanalyticssync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** asc.sync.mode as every reader sees it, and the settings derived from it unless the user sets them. */
class ModeDefaultsTest {

    /** The built-in values (application.properties' ordinal) and the user's (the environment's). */
    private static SmallRyeConfig config(Map<String, String> user) {
        return new SmallRyeConfigBuilder().withInterceptors(new ModeDefaults())
                .withSources(new PropertiesConfigSource(Map.of("asc.sync.mode", "service", RouteSources.ROUTES, RouteSources.BUILT_IN_ROUTES,
                        ModeDefaults.QUARKUS_LOG, "INFO"), "application.properties", RouteSources.BUILT_IN_ORDINAL))
                .withSources(new PropertiesConfigSource(user, "environment", 300)).build();
    }

    @Test
    void theModeIsCanonicalForEveryReader() {
        for (String given : new String[] {"STATUS", "Status", " status "}) {
            SmallRyeConfig config = config(Map.of("asc.sync.mode", given));
            assertEquals("status", config.getRawValue("asc.sync.mode"), given);
            assertEquals("true", config.getRawValue(ModeDefaults.STDERR), given);
            assertEquals("false", config.getRawValue(ModeDefaults.HTTP), given);
            assertEquals("false", config.getRawValue(RouteSources.ROUTES), given);
            assertEquals("WARN", config.getRawValue(ModeDefaults.QUARKUS_LOG), given);
        }
        assertEquals("one-shot", config(Map.of("asc.sync.mode", "ONE_SHOT")).getRawValue("asc.sync.mode"));
        assertEquals("false", config(Map.of("asc.sync.mode", "ONE_SHOT")).getRawValue(ModeDefaults.HTTP));
        assertEquals("seed", config(Map.of("asc.sync.mode", "Seed")).getRawValue("asc.sync.mode"));
        assertEquals(SyncConfig.Mode.ONE_SHOT, config(Map.of("asc.sync.mode", "ONE_SHOT")).getValue("asc.sync.mode", SyncConfig.Mode.class));
        // a value that is no mode still fails the conversion, with the value as given
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(Map.of("asc.sync.mode", "oneshot")).getValue("asc.sync.mode", SyncConfig.Mode.class));
        assertTrue(SyncMain.sentence(e.getMessage()).startsWith("asc.sync.mode is 'oneshot' (ASC_SYNC_MODE); expected one of "), e.getMessage());
    }

    @Test
    void aValueTheUserSetsWins() {
        SmallRyeConfig config = config(Map.of("asc.sync.mode", "STATUS", ModeDefaults.HTTP, "true", ModeDefaults.QUARKUS_LOG, "INFO",
                RouteSources.ROUTES, RouteSources.BUILT_IN_ROUTES));
        assertEquals("true", config.getRawValue(ModeDefaults.HTTP));
        assertEquals("INFO", config.getRawValue(ModeDefaults.QUARKUS_LOG));
        assertEquals(RouteSources.BUILT_IN_ROUTES, config.getRawValue(RouteSources.ROUTES));
        assertEquals("true", config(Map.of()).getRawValue(ModeDefaults.HTTP), "a service keeps its HTTP port");
        assertEquals("INFO", config(Map.of()).getRawValue(ModeDefaults.QUARKUS_LOG));
    }
}
