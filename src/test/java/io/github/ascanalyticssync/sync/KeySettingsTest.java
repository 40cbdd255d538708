package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.config.KeySettings;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.run.Cluster;
import io.github.ascanalyticssync.token.InvalidCredentialsException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The keys as a deployment gives them: properties, or environment variables only (a Kubernetes Secret, a CronJob). */
class KeySettingsTest {

    static final String ISSUER = "69a6de70-03db-47e3-e053-5b8c7c11a4d1";

    private static List<KeySettings.Key> fromEnvironment(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(new EnvConfigSource(env, 300)).withMapping(SyncConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withConverter(io.quarkus.runtime.configuration.MemorySize.class, 200, new io.quarkus.runtime.configuration.MemorySizeConverter()).withValidateUnknown(false)
                .build();
        return KeySettings.read(config, config.getConfigMapping(SyncConfig.class));
    }

    /** The environment over the application's own application.properties, as the packaged application reads them. */
    private static SyncConfig withApplicationProperties(Map<String, String> env) throws java.io.IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().withSources(new EnvConfigSource(env, 300))
                .withSources(new io.smallrye.config.PropertiesConfigSource(KeySettingsTest.class.getClassLoader().getResource("application.properties"), 250))
                .withMapping(SyncConfig.class).withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withConverter(io.quarkus.runtime.configuration.MemorySize.class, 200, new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withValidateUnknown(false).build();
        return config.getConfigMapping(SyncConfig.class);
    }

    @Test
    void theReadmesVariablesSetTheSingleKeyAndItsAppsAndNoneMeansEveryApp() throws Exception {
        SyncConfig given = withApplicationProperties(Map.of("ASC_ISSUER_ID", ISSUER, "ASC_KEY_ID", "DEMOKEY001", "ASC_APP_IDS", "1111111111,2222222222",
                "ASC_EXCLUDE_APP_IDS", "2222222222", "ASC_CATEGORIES", "APP_USAGE"));
        assertEquals(Optional.of(ISSUER), given.api().issuerId());
        assertEquals(Optional.of("DEMOKEY001"), given.api().keyId());
        assertEquals(Optional.of(List.of("1111111111", "2222222222")), given.sync().appIds());
        assertEquals(Optional.of(List.of("2222222222")), given.sync().excludeAppIds());
        assertEquals(Optional.of(List.of("APP_USAGE")), given.sync().categories());
        SyncConfig none = withApplicationProperties(Map.of());
        assertEquals(Optional.empty(), none.sync().appIds(), "unset: every app the key can see");
        assertEquals(Optional.empty(), none.sync().excludeAppIds());
        assertEquals(Optional.empty(), none.sync().categories());
        assertEquals(Optional.empty(), withApplicationProperties(Map.of("ASC_APP_IDS", "")).sync().appIds(), "empty: every app");
    }

    @Test
    void theSecondKeyComesFromEnvironmentVariablesWithDefaultsFromTheSingleKeySettings() {
        Map<String, String> env = new HashMap<>();
        env.put("ASC_KEYS", "team-a,team-b");
        env.put("ASC_API_ISSUER_ID", ISSUER);
        env.put("ASC_SYNC_READ_ONLY", "true");
        env.put("ASC_SYNC_EXCLUDE_APP_IDS", "3333333333");
        env.put("ASC_KEYS_TEAM_A_KEY_ID", "DEMOKEY001");
        env.put("ASC_KEYS_TEAM_A_PRIVATE_KEY_PATH", "classpath:simulator/demo/AuthKey_DEMOKEY001.p8");
        env.put("ASC_KEYS_TEAM_B_KEY_ID", "INDIVID001");
        env.put("ASC_KEYS_TEAM_B_INDIVIDUAL_KEY", "true");
        env.put("ASC_KEYS_TEAM_B_PRIVATE_KEY_PATH", "classpath:keys/AuthKey_INDIVID001.p8");
        env.put("ASC_KEYS_TEAM_B_APP_IDS", "1111111111,2222222222");
        env.put("ASC_KEYS_TEAM_B_READ_ONLY", "false");
        env.put("ASC_KEYS_TEAM_B_RATE_LIMIT_CALLS_PER_WINDOW", "500");
        List<KeySettings.Key> keys = fromEnvironment(env);

        assertEquals(List.of("team-a", "team-b"), keys.stream().map(KeySettings.Key::name).toList());
        KeySettings.Key a = keys.get(0);
        assertEquals(Optional.of(ISSUER), a.issuerId(), "the issuer id of asc.api.issuer-id");
        assertEquals(List.of(), a.appIds(), "every app the key can see");
        assertEquals(List.of("3333333333"), a.excludeAppIds());
        assertTrue(a.readOnly(), "asc.sync.read-only");
        assertEquals(3000, a.callsPerWindow());
        assertEquals("DEMOKEY001", a.credentials().keyId());

        KeySettings.Key b = keys.get(1);
        assertEquals(List.of("1111111111", "2222222222"), b.appIds());
        assertEquals(false, b.readOnly());
        assertEquals(500, b.callsPerWindow());
        assertTrue(b.individual());
        assertEquals("INDIVID001", b.credentials().keyId());
        assertEquals(" (key team-b)", b.label());
        assertEquals("asc.keys.team-b.read-only", b.setting("read-only"));
    }

    @Test
    void withoutAscKeysTheSingleKeyIsTheDefault() {
        List<KeySettings.Key> keys = fromEnvironment(Map.of("ASC_API_KEY_ID", "DEMOKEY001", "ASC_API_ISSUER_ID", ISSUER,
                "ASC_API_PRIVATE_KEY_PATH", "classpath:simulator/demo/AuthKey_DEMOKEY001.p8", "ASC_SYNC_APP_IDS", "1111111111"));
        assertEquals(1, keys.size());
        KeySettings.Key key = keys.get(0);
        assertEquals(KeySettings.DEFAULT, key.name());
        assertEquals(List.of("1111111111"), key.appIds());
        assertEquals("", key.label());
        assertEquals("asc.sync.read-only", key.setting("read-only"));
        assertEquals("DEMOKEY001", key.credentials().keyId());
    }

    @Test
    void aBadKeyNameOrAnAppOfTwoKeysIsOneSentenceNamingTheSetting() {
        assertEquals("asc.keys names 'Team_A', which is not a key name: use 1 to 32 lower-case letters, digits and inner dashes (team-a), the"
                + " same in properties (asc.keys.team-a.key-id) and environment variables (ASC_KEYS_TEAM_A_KEY_ID)",
                assertThrows(IllegalStateException.class, () -> fromEnvironment(Map.of("ASC_KEYS", "Team_A"))).getMessage());
        assertEquals("asc.keys names 'a' twice", assertThrows(IllegalStateException.class, () -> fromEnvironment(Map.of("ASC_KEYS", "a,a")))
                .getMessage());
        assertEquals("app 1111111111 is in both asc.keys.a.app-ids and asc.keys.b.app-ids: give each app to one key",
                assertThrows(IllegalStateException.class, () -> fromEnvironment(Map.of("ASC_KEYS", "a,b", "ASC_KEYS_A_APP_IDS", "1111111111",
                        "ASC_KEYS_B_APP_IDS", "2222222222,1111111111"))).getMessage());
    }

    @Test
    void aKeysCredentialProblemsNameItsOwnSettings() {
        KeySettings.Key noFile = fromEnvironment(Map.of("ASC_KEYS", "team-b", "ASC_KEYS_TEAM_B_KEY_ID", "X", "ASC_KEYS_TEAM_B_ISSUER_ID", ISSUER,
                "ASC_KEYS_TEAM_B_PRIVATE_KEY_PATH", "target/no-such.p8")).get(0);
        assertEquals("asc.keys.team-b.private-key-path names target/no-such.p8, which does not exist",
                assertThrows(InvalidCredentialsException.class, noFile::credentials).getMessage());
        KeySettings.Key noKeyId = fromEnvironment(Map.of("ASC_KEYS", "team-b")).get(0);
        assertEquals("asc.keys.team-b.key-id is not set: give the key id of your App Store Connect API key (ASC_KEYS_TEAM_B_KEY_ID)",
                assertThrows(InvalidCredentialsException.class, noKeyId::credentials).getMessage());
    }

    @Test
    void clusteredModeShardsByKeyAndApp() {
        assertEquals("1111111111", Cluster.shardKey(KeySettings.DEFAULT, "1111111111"), "the single key keeps its shards");
        assertEquals("team-a/1111111111", Cluster.shardKey("team-a", "1111111111"));
        // one key's apps spread over every shard
        long shards = java.util.stream.IntStream.range(0, 64).mapToObj(i -> Long.toString(1_000_000_000L + 7919L * i))
                .map(app -> Cluster.shardOf(Cluster.shardKey("team-b", app), 8)).distinct().count();
        assertEquals(8, shards);
    }
}
