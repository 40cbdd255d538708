package io.github.ascanalyticssync.sync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.apache.commons.text.similarity.LevenshteinDistance;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;

import io.github.ascanalyticssync.simulator.SimulatorConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigMappings;

/**
 * Refuses {@code asc.*} keys that no setting reads, so that a typo ({@code -Dasc.sync.mod=one-shot}) stops the start
 * instead of being ignored. SmallRye's own check ({@code smallrye.config.mapping.validate-unknown}) stays off because
 * the destinations' settings ({@code asc.destinations.<name>.*}) are free-form keys the routes read; this check knows
 * them. The known keys are those of the config mappings, read from the mappings themselves, so a new setting needs no
 * change here. Only the sources that name keys with dots are checked (application.properties files and system
 * properties, and environment variables written with dots): an {@code ASC_...} variable maps to a key ambiguously.
 */
final class UnknownSettings {

    /** Every mapping of {@code asc.*}: the sync's and the simulator's. */
    private static final Map<Class<?>, String> MAPPINGS = Map.of(SyncConfig.class, "asc", SimulatorConfig.class, "asc.simulator");

    /** A destination's own settings: {@code asc.destinations.<name>.<setting>}, read by its route, not by a mapping. */
    private static final Pattern DESTINATION_KEY = Pattern.compile("asc\\.destinations\\.[^.]+\\.[^.].*");

    private static final Pattern PROFILE = Pattern.compile("^%[^.]+\\.");

    /** A list element of a setting: {@code asc.sync.app-ids[0]}. */
    private static final String INDEX = "(?:\\[\\d+\\])?";
    private static final Pattern INDEXED = Pattern.compile("\\[\\d+\\]$");

    private UnknownSettings() {
    }

    static void check() {
        Known known = known();
        for (ConfigSource source : ConfigProvider.getConfig().getConfigSources()) {
            if (!checked(source)) {
                continue;
            }
            for (String name : new TreeSet<>(source.getPropertyNames())) {
                String key = PROFILE.matcher(name).replaceFirst("");
                if (key.startsWith("asc.") && !known.allows(key)) {
                    String closest = known.closest(key);
                    throw new ConfigurationException("Unknown setting " + key + " (from " + describe(source) + ")"
                            + (closest == null ? "; see the settings in the README" : "; did you mean " + closest + "?"));
                }
            }
        }
    }

    private static boolean checked(ConfigSource source) {
        String name = source.getName() == null ? "" : source.getName();
        return name.startsWith("SysPropConfigSource") || name.startsWith("EnvConfigSource") || name.contains("application.properties");
    }

    private static String describe(ConfigSource source) {
        String name = source.getName();
        if (name.startsWith("SysPropConfigSource")) {
            return "system property";
        }
        if (name.startsWith("EnvConfigSource")) {
            return "environment";
        }
        int start = name.indexOf("source=");
        return start < 0 ? name : name.substring(start + "source=".length()).replace("]", "");
    }

    static Known known() {
        Set<String> exact = new HashSet<>();
        List<Pattern> patterns = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        MAPPINGS.forEach((type, prefix) -> ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(type, prefix)).keySet()
                .forEach(key -> {
                    names.add(key.replace("*", "<name>"));
                    if (key.indexOf('*') < 0) {
                        exact.add(key);
                    } else {
                        patterns.add(Pattern.compile(Pattern.quote(key).replace("*", "\\E(?:\"[^\"]*\"|[^.\\[]+)\\Q") + INDEX));
                    }
                }));
        // the several-keys settings, read by full name from asc.keys (KeySettings), not by a mapping
        names.add("asc.keys");
        exact.add("asc.keys");
        for (String setting : KeySettings.SETTINGS) {
            names.add("asc.keys.<name>." + setting);
            patterns.add(Pattern.compile("asc\\.keys\\.[^.]+\\." + Pattern.quote(setting) + INDEX));
        }
        // the environment variables application.properties reads (asc.sync.rate-limit.calls-per-window=${ASC_RATE_LIMIT_CALLS:3000}):
        // the environment's source names them with dots, as asc.rate.limit.calls
        for (ConfigSource source : ConfigProvider.getConfig().getConfigSources()) {
            String name = source.getName() == null ? "" : source.getName();
            if (name.contains("application.properties")) {
                source.getProperties().values().forEach(value -> {
                    java.util.regex.Matcher m = VARIABLE.matcher(value == null ? "" : value);
                    while (m.find()) {
                        exact.add(m.group(1).toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
                    }
                });
            }
        }
        return new Known(exact, patterns, names);
    }

    /** A variable an expression reads: {@code ${ASC_RATE_LIMIT_CALLS:3000}}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(ASC_[A-Z0-9_]+)[:}]");

    /**
     * The known keys: most are plain names (a set lookup), the rest have a map key ({@code *}) or a list index.
     * Start-up reads every {@code asc.*} key given, so this is a lookup, not a scan of every pattern.
     */
    record Known(Set<String> exact, List<Pattern> patterns, Set<String> names) {

        boolean allows(String key) {
            if (exact.contains(INDEXED.matcher(key).replaceFirst("")) || patterns.stream().anyMatch(p -> p.matcher(key).matches())) {
                return true;
            }
            // a destination's own key, unless it is a typo of a setting (asc.destinations.circuit-breaker.failure)
            return DESTINATION_KEY.matcher(key).matches() && distance(key, closestName(key)) > 2;
        }

        /** The known key nearest to a typo, or null when none is near (about a third of the key's length). */
        String closest(String key) {
            String best = closestName(key);
            return best != null && distance(key, best) <= Math.max(2, key.length() / 3) ? best : null;
        }

        private String closestName(String key) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String name : names) {
                int d = distance(key, name);
                if (d < bestDistance) {
                    best = name;
                    bestDistance = d;
                }
            }
            return best;
        }
    }

    /** Levenshtein distance; none for no key. */
    static int distance(String a, String b) {
        return b == null ? Integer.MAX_VALUE : LevenshteinDistance.getDefaultInstance().apply(a, b);
    }
}
