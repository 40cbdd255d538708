package io.github.ascanalyticssync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The sentence for a value of the wrong type, from SmallRye's report of it. */
class SyncMainTest {

    @Test
    void anEnumNamesTheSettingItsVariableAndTheValuesAllowed() {
        assertEquals("asc.sync.mode is 'oneshot' (ASC_SYNC_MODE); expected one of seed, service, one-shot, status",
                SyncMain.sentence("SRCFG00039: The config property asc.sync.mode with the config value \"oneshot\" threw an Exception whilst being"
                        + " converted SRCFG00049: Cannot convert oneshot to enum class io.github.ascanalyticssync.config.SyncConfig$Mode, allowed"
                        + " values: seed,service,one-shot,status"));
    }

    @Test
    void aDurationAndANumberSayTheSyntax() {
        assertEquals("asc.sync.interval is 'abc' (ASC_SYNC_INTERVAL); expected a duration such as 30s, 15m, 1h or 2d (or ISO-8601: PT1H)",
                SyncMain.sentence("SRCFG00039: The config property asc.sync.interval with the config value \"abc\" threw an Exception whilst being"
                        + " converted java.time.format.DateTimeParseException: Text cannot be parsed to a Duration"));
        assertEquals("asc.sync.page-limit is 'x'; expected a whole number",
                SyncMain.sentence("SRCFG00039: The config property asc.sync.page-limit with the config value \"x\" threw an Exception whilst being"
                        + " converted SRCFG00029: Expected an integer value, got \"x\""));
    }
}
