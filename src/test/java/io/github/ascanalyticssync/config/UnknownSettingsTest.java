package io.github.ascanalyticssync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which asc.* keys the start accepts, and the key a typo is told to use. */
class UnknownSettingsTest {

    private final UnknownSettings.Known known = UnknownSettings.known();

    @Test
    void settingsOfTheMappingsAreKnownAndATypoGetsTheClosest() {
        assertTrue(known.allows("asc.sync.mode"));
        assertTrue(known.allows("asc.sync.app-ids[0]"));
        assertFalse(known.allows("asc.sync.mod"));
        assertEquals("asc.sync.mode", known.closest("asc.sync.mod"));
        assertTrue(known.allows("asc.simulator.api-port"));
    }

    @Test
    void eachKeyOfSeveralKeysHasItsOwnSettings() {
        assertTrue(known.allows("asc.keys"));
        assertTrue(known.allows("asc.keys.team-a.key-id"));
        assertTrue(known.allows("asc.keys.team-b.rate-limit.calls-per-window"));
        assertFalse(known.allows("asc.keys.team-a.keyid"));
        assertEquals("asc.keys.<name>.key-id", known.closest("asc.keys.team-a.keyid").replace("team-a", "<name>"));
    }

    /** The variables of the application's own application.properties, as the start reads them. */
    private static UnknownSettings.Known variables() throws java.io.IOException {
        java.net.URL resource = UnknownSettingsTest.class.getClassLoader().getResource("application.properties");
        return UnknownSettings.variables(UnknownSettings.known(), java.util.List.of(new io.smallrye.config.PropertiesConfigSource(resource)));
    }

    @Test
    void everyVariableApplicationPropertiesReadsIsAcceptedAndATypoGetsTheClosest() throws Exception {
        UnknownSettings.Known variables = variables();
        String properties;
        try (java.io.InputStream in = UnknownSettingsTest.class.getClassLoader().getResourceAsStream("application.properties")) {
            properties = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        java.util.Set<String> read = java.util.regex.Pattern.compile("\\$\\{(ASC_[A-Z0-9_]+)").matcher(properties).results().map(m -> m.group(1))
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        assertTrue(read.size() > 10, "the variables application.properties reads: " + read);
        for (String alias : read) {
            assertTrue(variables.allows(alias, "x"), alias);
        }
        assertFalse(variables.allows("ASC_ISSUERID", "x"));
        assertEquals("ASC_ISSUER_ID", variables.closest("ASC_ISSUERID"));
        assertEquals("ASC_APP_IDS", variables.closest("ASC_APPS_IDS"));
    }

    @Test
    void aSettingsOwnEnvironmentNameIsAcceptedAndSoAreVariablesNotOurs() throws Exception {
        UnknownSettings.Known variables = variables();
        assertTrue(variables.allows("ASC_SYNC_MODE", "one-shot"));
        assertTrue(variables.allows("ASC_SYNC_DOWNLOAD_SIMULATOR_STORAGE_URL", "http://127.0.0.1:1"));
        assertTrue(variables.allows("ASC_SYNC_APP_IDS_0_", "1"));
        assertTrue(variables.allows("ASC_KEYS", "team-a"));
        assertTrue(variables.allows("ASC_KEYS_TEAM_A_KEY_ID", "X"));
        assertTrue(variables.allows("ASC_KEYS_TEAM_B_RATE_LIMIT_CALLS_PER_WINDOW", "1"));
        assertTrue(variables.allows("ASC_SIMULATOR_KEYS_MYKEY_ROLE", "ADMIN"));
        assertTrue(variables.allows("ASC_DESTINATIONS_ARCHIVE_PREFIX", "a/"));
        assertFalse(variables.allows("ASC_DESTINATIONS_RETRIE", "1"));
        assertFalse(variables.allows("ASC_SYNC_MOD", "one-shot"));
        assertEquals("ASC_SYNC_MODE", variables.closest("ASC_SYNC_MOD"));
        // the tests' and CI's, and Kubernetes' service links of the Service asc-analytics-sync
        assertTrue(variables.allows("ASC_TEST_PG_PORT", "5432"));
        assertTrue(variables.allows("ASC_ANALYTICS_SYNC_SERVICE_HOST", "10.0.0.1"));
        assertTrue(variables.allows("ASC_ANALYTICS_SYNC_PORT_8080_TCP_ADDR", "10.0.0.1"));
        assertTrue(variables.allows("ASC_ANALYTICS_SYNC_PORT", "tcp://10.0.0.1:8080"));
        assertFalse(variables.allows("ASC_ANALYTICS_SYNC_PORT", "8080"));
    }

    @Test
    void aRemovedSettingIsRefused() {
        assertFalse(known.allows("asc.api.request-timeout"));
        assertTrue(known.allows("asc.sync.download.connect-timeout"));
    }

    @Test
    void destinationKeysAreFreeFormUnlessATypoOfASetting() {
        assertTrue(known.allows("asc.destinations.archive.prefix"));
        assertFalse(known.allows("asc.destinations.circuit-breaker.failure"));
    }

    @Test
    void aDotEnvFilesOwnVariablesAreChecked() throws Exception {
        java.net.URL resource = UnknownSettingsTest.class.getClassLoader().getResource("application.properties");
        // SmallRye's .env source: an EnvConfigSource named after its file
        class DotEnv extends io.smallrye.config.EnvConfigSource {
            DotEnv(java.util.Map<String, String> variables) {
                super(variables, 295);
            }

            @Override
            public String getName() {
                return "EnvConfigSource[source=file:/work/.env]";
            }
        }
        java.util.List<org.eclipse.microprofile.config.spi.ConfigSource> sources = java.util.List.of(
                new io.smallrye.config.PropertiesConfigSource(resource), new DotEnv(java.util.Map.of("ASC_SYNC_MODE", "one-shot")));
        UnknownSettings.check(sources);
        io.quarkus.runtime.configuration.ConfigurationException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.quarkus.runtime.configuration.ConfigurationException.class, () -> UnknownSettings.check(java.util.List.of(
                        new io.smallrye.config.PropertiesConfigSource(resource), new DotEnv(java.util.Map.of("ASC_SYNC_MOD", "one-shot")))));
        assertEquals("Unknown environment variable ASC_SYNC_MOD (from file:/work/.env); did you mean ASC_SYNC_MODE?", e.getMessage());
    }
}
