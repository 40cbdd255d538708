package io.github.ascanalyticssync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The sentence for a value of the wrong type, from SmallRye's own report of it: the configuration built as the packaged
 * application builds it (the environment over application.properties, the sync's mapping).
 */
class SyncMainTest {

    /** SmallRye's report of the first problem of this environment over the application's application.properties. */
    private static String problem(Map<String, String> env) {
        ConfigValidationException invalid = assertThrows(ConfigValidationException.class, () -> new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new EnvConfigSource(env, 300))
                .withSources(new PropertiesConfigSource(SyncMainTest.class.getClassLoader().getResource("application.properties"), 250))
                .withMapping(SyncConfig.class).withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withConverter(io.quarkus.runtime.configuration.MemorySize.class, 200, new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withValidateUnknown(false).build());
        return invalid.getProblem(0).getMessage();
    }

    @Test
    void anEnumNamesTheSettingItsVariableAndTheValuesAllowed() {
        assertEquals("asc.sync.mode is 'oneshot' (ASC_SYNC_MODE); expected one of seed, service, one-shot, status",
                SyncMain.sentence(problem(Map.of("ASC_SYNC_MODE", "oneshot"))));
    }

    @Test
    void aDurationAndANumberSayTheSyntax() {
        assertEquals("asc.sync.interval is 'abc' (ASC_SYNC_INTERVAL); expected a duration such as 30s, 15m, 1h or 2d (or ISO-8601: PT1H)",
                SyncMain.sentence(problem(Map.of("ASC_SYNC_INTERVAL", "abc"))));
        assertEquals("asc.sync.page-limit is 'x'; expected a whole number", SyncMain.sentence(problem(Map.of("ASC_SYNC_PAGE_LIMIT", "x"))));
    }

    @Test
    void aYesOrNoSettingSaysTrueOrFalse() {
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new StrictBooleanConverter().convert("maybe"));
        assertEquals("asc.sync.read-only is 'maybe' (ASC_SYNC_READ_ONLY); expected true or false",
                SyncMain.sentence("SRCFG00039: The config property asc.sync.read-only with the config value \"maybe\" threw an Exception whilst being"
                        + " converted " + refused));
        assertEquals(Boolean.TRUE, new StrictBooleanConverter().convert(" Yes "));
        assertEquals(Boolean.FALSE, new StrictBooleanConverter().convert("OFF"));
    }
}
