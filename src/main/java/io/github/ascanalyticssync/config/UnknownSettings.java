package io.github.ascanalyticssync.config;

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

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigMappings;

/**
 * Refuses {@code asc.*} keys that no setting reads, so that a typo ({@code -Dasc.sync.mod=one-shot}) stops the start
 * instead of being ignored. SmallRye's own check ({@code smallrye.config.mapping.validate-unknown}) stays off because
 * the destinations' settings ({@code asc.destinations.<name>.*}) are free-form keys the routes read; this check knows
 * them. The known keys are those of the config mappings, read from the mappings themselves, so a new setting needs no
 * change here. Checked: application.properties files, system properties, environment variables written with dots, and
 * {@code ASC_...} environment variables.
 *
 * <p>
 * An {@code ASC_...} variable is accepted when application.properties reads it ({@code ${ASC_ISSUER_ID:}} anywhere in a
 * value: the aliases, read from the files themselves, not from a list kept here) or when it is the environment name of
 * a known setting ({@code ASC_SYNC_MODE} for {@code asc.sync.mode}, {@code ASC_KEYS_TEAM_A_KEY_ID} for
 * {@code asc.keys.team-a.key-id}, {@code ASC_DESTINATIONS_<NAME>_<SETTING>} for a destination's own key). Not ours, so
 * not checked: {@code ASC_TEST_*} and {@code ASC_IT_*} (the tests' and CI's), and Kubernetes' service links
 * ({@code ASC_ANALYTICS_SYNC_SERVICE_HOST}, {@code ..._PORT_8080_TCP}, ...).
 */
public final class UnknownSettings {

    /**
     * Every mapping of {@code asc.*}: the sync's, and those another part of the application contributes in a
     * {@value #CONTRIBUTED} resource ({@code <interface>=<prefix>} lines: the simulator's), loaded by name so that the
     * sync imports nothing of the simulator.
     */
    private static final Map<Class<?>, String> MAPPINGS = mappings();

    static final String CONTRIBUTED = "META-INF/asc-config-mappings.properties";

    private static Map<Class<?>, String> mappings() {
        Map<Class<?>, String> mappings = new java.util.LinkedHashMap<>();
        mappings.put(SyncConfig.class, "asc");
        ClassLoader loader = UnknownSettings.class.getClassLoader();
        try {
            for (java.net.URL url : java.util.Collections.list(loader.getResources(CONTRIBUTED))) {
                java.util.Properties contributed = new java.util.Properties();
                try (java.io.InputStream in = url.openStream()) {
                    contributed.load(in);
                }
                for (String type : new TreeSet<>(contributed.stringPropertyNames())) {
                    mappings.put(Class.forName(type, false, loader), contributed.getProperty(type).trim());
                }
            }
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new IllegalStateException("The contributed config mappings (" + CONTRIBUTED + ") cannot be read", e);
        }
        return mappings;
    }

    /** A destination's own settings: {@code asc.destinations.<name>.<setting>}, read by its route, not by a mapping. */
    private static final Pattern DESTINATION_KEY = Pattern.compile("asc\\.destinations\\.[^.]+\\.[^.].*");

    private static final Pattern PROFILE = Pattern.compile("^%[^.]+\\.");

    /** A list element of a setting: {@code asc.sync.app-ids[0]}. */
    private static final String INDEX = "(?:\\[\\d+\\])?";
    private static final Pattern INDEXED = Pattern.compile("\\[\\d+\\]$");

    private UnknownSettings() {
    }

    /** {@code ${ASC_X...}} in a value: the variable application.properties reads. */
    private static final Pattern ALIAS = Pattern.compile("\\$\\{(ASC_[A-Z0-9_]+)");

    /** Variables that are not settings: the tests' and CI's, and the service links Kubernetes gives every pod. */
    private static final Pattern NOT_OURS = Pattern.compile("ASC_(TEST|IT)_.*|.*_SERVICE_HOST|.*_SERVICE_PORT(_.+)?|.*_PORT_\\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?");

    public static void check() {
        Known known = known();
        Iterable<ConfigSource> sources = ConfigProvider.getConfig().getConfigSources();
        Variables variables = variables(known, sources);
        for (ConfigSource source : sources) {
            if (!checked(source)) {
                continue;
            }
            if (describe(source).equals("environment")) {
                variables.check(System.getenv());
            }
            for (String name : new TreeSet<>(source.getPropertyNames())) {
                if (describe(source).equals("environment") && (name.indexOf('.') < 0 || !System.getenv().containsKey(name))) {
                    continue; // ASC_... variables are checked above; SmallRye also lists them converted (ASC_ISSUER_ID as asc.issuer.id)
                }
                String key = PROFILE.matcher(name).replaceFirst("");
                if (key.startsWith("asc.") && !known.allows(key)) {
                    String closest = known.closest(key);
                    throw new ConfigurationException("Unknown setting " + key + " (from " + describe(source) + ")"
                            + (closest == null ? "; see the settings in docs/configuration.md" : "; did you mean " + closest + "?"));
                }
            }
        }
    }

    /** The {@code ASC_...} variables application.properties reads, from the raw values of every application.properties source. */
    static Set<String> aliases(Iterable<ConfigSource> sources) {
        Set<String> aliases = new TreeSet<>();
        for (ConfigSource source : sources) {
            String name = source.getName() == null ? "" : source.getName();
            if (!name.contains("application.properties")) {
                continue;
            }
            for (String key : source.getPropertyNames()) {
                String value = source.getValue(key);
                if (value != null) {
                    java.util.regex.Matcher m = ALIAS.matcher(value);
                    while (m.find()) {
                        aliases.add(m.group(1));
                    }
                }
            }
        }
        return aliases;
    }

    static Variables variables(Known known, Iterable<ConfigSource> sources) {
        Set<String> names = new TreeSet<>(aliases(sources));
        Set<String> exact = new HashSet<>(names);
        List<Pattern> patterns = new ArrayList<>();
        for (String key : known.exact()) {
            exact.add(env(key));
            names.add(env(key));
        }
        for (String name : known.names()) {
            if (name.contains("<name>")) {
                String[] parts = name.split("<name>", -1);
                patterns.add(Pattern.compile(Pattern.quote(env(parts[0])) + "[A-Z0-9_]+" + Pattern.quote(env(parts[1])) + "(_\\d+_)?"));
                names.add(env(parts[0]) + "<NAME>" + env(parts[1]));
            }
        }
        return new Variables(exact, patterns, names);
    }

    /** The environment name of a key: {@code asc.sync.app-ids} is {@code ASC_SYNC_APP_IDS}. */
    static String env(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    /** The {@code ASC_...} variables accepted: the aliases and the environment names of the known settings. */
    record Variables(Set<String> exact, List<Pattern> patterns, Set<String> names) {

        void check(Map<String, String> environment) {
            for (String variable : new TreeSet<>(environment.keySet())) {
                if (variable.startsWith("ASC_") && !allows(variable, environment.get(variable))) {
                    String closest = closest(variable);
                    throw new ConfigurationException("Unknown environment variable " + variable + (closest == null
                            ? "; see the settings in docs/configuration.md (an ASC_ variable is one application.properties reads, or a setting's name in"
                                    + " capitals with _ for . and -)"
                            : "; did you mean " + closest + "?"));
                }
            }
        }

        boolean allows(String variable, String value) {
            if (NOT_OURS.matcher(variable).matches() || value != null && variable.endsWith("_PORT") && value.matches("(tcp|udp|sctp)://.*")) {
                return true;
            }
            if (exact.contains(variable.replaceFirst("_\\d+_$", "")) || patterns.stream().anyMatch(p -> p.matcher(variable).matches())) {
                return true;
            }
            // a destination's own key (ASC_DESTINATIONS_ARCHIVE_PREFIX), unless a typo of a setting
            return variable.startsWith("ASC_DESTINATIONS_") && distance(variable, closestName(variable)) > 2;
        }

        String closest(String variable) {
            String best = closestName(variable);
            return best != null && distance(variable, best) <= Math.max(2, variable.length() / 3) ? best : null;
        }

        private String closestName(String variable) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String name : names) {
                int d = distance(variable, name);
                if (d < bestDistance) {
                    best = name;
                    bestDistance = d;
                }
            }
            return best;
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
        return new Known(exact, patterns, names);
    }

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
