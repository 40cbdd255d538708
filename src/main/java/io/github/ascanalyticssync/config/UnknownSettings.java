package io.github.ascanalyticssync.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

import org.apache.commons.text.similarity.LevenshteinDistance;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.EnvConfigSource;

/**
 * Refuses {@code asc.*} keys that no setting reads, so that a typo ({@code -Dasc.sync.mod=one-shot}) stops the start
 * instead of being ignored. SmallRye's own check ({@code smallrye.config.mapping.validate-unknown}) stays off because
 * the destinations' settings ({@code asc.destinations.<name>.*}) are free-form keys the routes read; this check knows
 * them. The known keys are those of the config mappings, read from the mappings themselves, so a new setting needs no
 * change here. Checked: application.properties files, system properties, environment variables written with dots, and
 * {@code ASC_...} environment variables, those of the process and those of a {@code .env} file.
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

    /** Every mapping of {@code asc.*} ({@link AscMappings}). */
    private static final Map<Class<?>, String> MAPPINGS = AscMappings.all();

    /** A destination's own settings: {@code asc.destinations.<name>.<setting>}, read by its route, not by a mapping. */
    private static final Pattern DESTINATION_KEY = Pattern.compile("asc\\.destinations\\.[^.]+\\.[^.].*");

    private static final Pattern PROFILE = Pattern.compile("^%[^.]+\\.");

    /** A list element of a setting: {@code asc.sync.app-ids[0]}. */
    private static final String INDEX = "(?:\\[\\d+\\])?";
    private static final Pattern INDEXED = Pattern.compile("\\[\\d+\\]$");
    /** The same in a variable: {@code ASC_SYNC_APP_IDS_0_}. */
    private static final Pattern ENV_INDEX = Pattern.compile("_\\d+_$");

    private UnknownSettings() {
    }

    /** {@code ${ASC_X...}} in a value: the variable application.properties reads. */
    static final Pattern ALIAS = Pattern.compile("\\$\\{(ASC_[A-Z0-9_]+)");

    /** Variables that are not settings: the tests' and CI's, and the service links Kubernetes gives every pod. */
    private static final Pattern NOT_OURS = Pattern.compile("ASC_(TEST|IT)_.*|.*_SERVICE_HOST|.*_SERVICE_PORT(_.+)?|.*_PORT_\\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?");

    public static void check() {
        check(ConfigProvider.getConfig().getConfigSources());
    }

    static void check(Iterable<ConfigSource> sources) {
        Known known = known();
        Known variables = variables(known, sources);
        for (ConfigSource source : sources) {
            if (!checked(source)) {
                continue;
            }
            String from = describe(source);
            boolean environment = isEnvironment(source);
            // an environment's own names (the process' or a .env file's), not the dotted forms SmallRye also lists
            Map<String, String> properties = environment ? new TreeMap<>(source.getProperties()) : null;
            for (String name : environment ? properties.keySet() : new TreeSet<>(source.getPropertyNames())) {
                if (environment && name.indexOf('.') < 0) {
                    if (name.startsWith("ASC_") && !variables.allows(name, properties.get(name))) {
                        String closest = variables.closest(name);
                        throw new ConfigurationException("Unknown environment variable " + name + (from.equals("environment") ? "" : " (from " + from + ")")
                                + (closest == null ? "; see the settings in docs/configuration.md (an ASC_ variable is one application.properties reads,"
                                        + " or a setting's name in capitals with _ for . and -)" : "; did you mean " + closest + "?"));
                    }
                    continue;
                }
                String key = PROFILE.matcher(name).replaceFirst("");
                if (key.startsWith("asc.") && !known.allows(key)) {
                    String closest = known.closest(key);
                    throw new ConfigurationException("Unknown setting " + key + " (from " + from + ")"
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

    /** The {@code ASC_...} variables accepted: the aliases and the environment names of the known settings. */
    static Known variables(Known known, Iterable<ConfigSource> sources) {
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
        // a destination's own key (ASC_DESTINATIONS_ARCHIVE_PREFIX); not ours: the tests', CI's and Kubernetes' service links
        return new Known(exact, patterns, names, ENV_INDEX, Pattern.compile("ASC_DESTINATIONS_.+"),
                (variable, value) -> NOT_OURS.matcher(variable).matches() || value != null && variable.endsWith("_PORT") && value.matches("(tcp|udp|sctp)://.*"));
    }

    /** The environment name of a key: {@code asc.sync.app-ids} is {@code ASC_SYNC_APP_IDS}. */
    static String env(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    private static boolean checked(ConfigSource source) {
        String name = source.getName() == null ? "" : source.getName();
        return name.startsWith("SysPropConfigSource") || isEnvironment(source) || name.contains("application.properties");
    }

    /** The process' environment, or a .env file (SmallRye's EnvConfigSource too, named EnvConfigSource[source=.../.env]). */
    private static boolean isEnvironment(ConfigSource source) {
        return source instanceof EnvConfigSource || source.getName() != null && source.getName().startsWith("EnvConfigSource");
    }

    private static String describe(ConfigSource source) {
        String name = source.getName();
        if (name.startsWith("SysPropConfigSource")) {
            return "system property";
        }
        int start = name.indexOf("source=");
        if (start >= 0) {
            return name.substring(start + "source=".length()).replace("]", "");
        }
        return isEnvironment(source) ? "environment" : name;
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
        return new Known(exact, patterns, names, INDEXED, DESTINATION_KEY, (key, value) -> false);
    }

    /**
     * The known names, of keys or of variables: most are plain names (a set lookup), the rest have a map key ({@code *},
     * a variable's {@code <NAME>}) or a list index ({@code [0]}, a variable's {@code _0_}). Start-up reads every
     * {@code asc.*} key and {@code ASC_...} variable given, so this is a lookup, not a scan of every pattern. A name of
     * the free-form kind (a destination's own settings) is accepted unless it is a typo of a known one; one not ours is
     * accepted as it is.
     */
    record Known(Set<String> exact, List<Pattern> patterns, Set<String> names, Pattern index, Pattern freeForm,
            BiPredicate<String, String> notOurs) {

        boolean allows(String name) {
            return allows(name, null);
        }

        boolean allows(String name, String value) {
            if (notOurs.test(name, value) || exact.contains(index.matcher(name).replaceFirst("")) || patterns.stream().anyMatch(p -> p.matcher(name).matches())) {
                return true;
            }
            // a destination's own setting, unless it is a typo of a known one (asc.destinations.circuit-breaker.failure)
            return freeForm.matcher(name).matches() && distance(name, closestName(name)) > 2;
        }

        /** The known name nearest to a typo, or null when none is near (about a third of the name's length). */
        String closest(String name) {
            String best = closestName(name);
            return best != null && distance(name, best) <= Math.max(2, name.length() / 3) ? best : null;
        }

        private String closestName(String name) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String known : names) {
                int d = distance(name, known);
                if (d < bestDistance) {
                    best = known;
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
