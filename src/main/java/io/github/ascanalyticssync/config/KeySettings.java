package io.github.ascanalyticssync.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

import io.github.ascanalyticssync.token.TokenIssuer;

/**
 * The App Store Connect keys of the deployment. One key, named {@code default}, from {@code asc.api.*} and
 * {@code asc.sync.app-ids}, {@code exclude-app-ids}, {@code read-only} and {@code rate-limit.calls-per-window}; or
 * the keys {@code asc.keys=team-a,team-b} names, each from {@code asc.keys.<name>.*}.
 *
 * <p>
 * Read by name from MicroProfile Config rather than as a {@code Map} in {@link SyncConfig}: the list {@code asc.keys}
 * is the anchor, and each setting is then looked up by its full name, which is what lets the environment give it
 * ({@code ASC_KEYS_TEAM_A_KEY_ID} for {@code asc.keys.team-a.key-id}); a map's keys cannot be recovered from
 * environment variable names, where {@code team-a} and {@code team.a} look the same.
 */
public final class KeySettings {

    public static final String DEFAULT = "default";
    /** The settings each key of {@code asc.keys} has, under {@code asc.keys.<name>.} (the unknown-key check knows them). */
    static final List<String> SETTINGS = List.of("issuer-id", "key-id", "private-key-path", "private-key", "individual-key", "app-ids",
            "exclude-app-ids", "read-only", "rate-limit.calls-per-window");
    static final String CALLS_PER_WINDOW = "asc.sync.rate-limit.calls-per-window";
    /** A value that is only a variable with a default: {@code ${ASC_RATE_LIMIT_CALLS:3000}}. */
    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{([^:}]+):[^}]*}");
    /** Lower-case letters, digits and inner dashes: one spelling in properties and environment variables. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");

    /**
     * One key: its credentials, its apps, its read-only flag and its share of Apple's quota ({@code budgetSet}: the
     * user set its calls per window, which then hold strictly, rather than leaving the default).
     */
    public record Key(String name, Optional<String> issuerId, Optional<String> keyId, Optional<String> privateKeyPath,
            Optional<String> privateKey, boolean individual, List<String> appIds, List<String> excludeAppIds, boolean readOnly,
            int callsPerWindow, boolean budgetSet) {

        public boolean isDefault() {
            return DEFAULT.equals(name);
        }

        /** The property a setting of this key comes from: {@code asc.sync.read-only} or {@code asc.keys.team-a.read-only}. */
        public String setting(String setting) {
            if (!isDefault()) {
                return prefix() + setting;
            }
            return switch (setting) {
                case "app-ids", "exclude-app-ids", "read-only", "rate-limit.calls-per-window" -> "asc.sync." + setting;
                default -> "asc.api." + setting;
            };
        }

        /** " (key team-a)" when there are several keys, so that a message says whose app it is; empty for the single key. */
        public String label() {
            return isDefault() ? "" : " (key " + name + ")";
        }

        public TokenIssuer.Credentials credentials() {
            return isDefault() ? TokenIssuer.credentials(keyId, issuerId, individual, privateKey, privateKeyPath)
                    : TokenIssuer.credentials(prefix(), env(), keyId, issuerId, individual, privateKey, privateKeyPath);
        }

        private String prefix() {
            return "asc.keys." + name + ".";
        }

        private String env() {
            return "ASC_KEYS_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
        }

        @Override
        public String toString() {
            return "Key[" + name + ", keyId=" + keyId.orElse("-") + "]"; // never the key material
        }
    }

    private KeySettings() {
    }

    /** The keys, checked: a bad name, a repeated name, or an app given to two keys is one sentence naming the setting. */
    public static List<Key> read(Config config, SyncConfig sync) {
        List<String> names = config.getOptionalValues("asc.keys", String.class).orElse(List.of()).stream().map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        SyncConfig.Api api = sync.api();
        SyncConfig.Sync s = sync.sync();
        boolean budgetSet = set(config, CALLS_PER_WINDOW);
        if (names.isEmpty()) {
            return List.of(new Key(DEFAULT, api.issuerId(), api.keyId(), api.privateKeyPath(), api.privateKey(), api.individualKey(),
                    s.appIds().orElse(List.of()), s.excludeAppIds().orElse(List.of()), s.readOnly(), s.rateLimit().callsPerWindow(), budgetSet));
        }
        List<Key> keys = new ArrayList<>();
        Map<String, String> appOwners = new HashMap<>();
        for (String name : names) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException("asc.keys names '" + name + "', which is not a key name: use 1 to 32 lower-case letters, digits"
                        + " and inner dashes (team-a), the same in properties (asc.keys.team-a.key-id) and environment variables"
                        + " (ASC_KEYS_TEAM_A_KEY_ID)");
            }
            if (keys.stream().anyMatch(k -> k.name().equals(name))) {
                throw new IllegalStateException("asc.keys names '" + name + "' twice");
            }
            String p = "asc.keys." + name + ".";
            Optional<Integer> calls = config.getOptionalValue(p + "rate-limit.calls-per-window", Integer.class);
            Key key = new Key(name, text(config, p + "issuer-id").or(api::issuerId), text(config, p + "key-id"), text(config, p + "private-key-path"),
                    text(config, p + "private-key"), config.getOptionalValue(p + "individual-key", Boolean.class).orElse(api.individualKey()),
                    list(config, p + "app-ids").orElse(List.of()), list(config, p + "exclude-app-ids").orElse(s.excludeAppIds().orElse(List.of())),
                    config.getOptionalValue(p + "read-only", Boolean.class).orElse(s.readOnly()),
                    calls.orElse(s.rateLimit().callsPerWindow()), calls.isPresent() || budgetSet);
            for (String app : key.appIds()) {
                String other = appOwners.putIfAbsent(app, name);
                if (other != null) {
                    throw new IllegalStateException("app " + app + " is in both asc.keys." + other + ".app-ids and asc.keys." + name
                            + ".app-ids: give each app to one key");
                }
            }
            if (key.callsPerWindow() < 1) {
                throw new IllegalStateException(key.setting("rate-limit.calls-per-window") + " must be at least 1, not " + key.callsPerWindow());
            }
            keys.add(key);
        }
        return List.copyOf(keys);
    }

    /**
     * Whether the user set the property (in any source: properties, the environment, -D) rather than leaving the
     * default of the configuration mapping; a value that is only a variable with a default, as application.properties
     * gives it ({@code ${ASC_RATE_LIMIT_CALLS:3000}}), counts as set only when that variable is.
     */
    private static boolean set(Config config, String name) {
        ConfigValue value = config.getConfigValue(name);
        if (value == null || value.getValue() == null || value.getSourceOrdinal() <= Integer.MIN_VALUE) {
            return false;
        }
        Matcher m = DEFAULTED.matcher(value.getRawValue() == null ? "" : value.getRawValue().trim());
        return !m.matches() || config.getConfigValue(m.group(1)).getValue() != null;
    }

    private static Optional<String> text(Config config, String name) {
        return config.getOptionalValue(name, String.class).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static Optional<List<String>> list(Config config, String name) {
        return config.getOptionalValues(name, String.class).map(l -> l.stream().map(String::trim).filter(v -> !v.isEmpty()).toList());
    }
}
