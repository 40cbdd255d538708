package io.github.ascanalyticssync.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import io.smallrye.config.common.utils.StringUtil;

/**
 * The settings that follow from the sync's own, so that a run starts and reads only what it uses, and
 * {@code asc.sync.mode} itself, canonical.
 * <ul>
 * <li>{@code asc.sync.mode}: as SmallRye's enum conversion reads it, trimmed, in lower case with {@code -} for
 * {@code _} ({@code STATUS}, {@code ONE_SHOT}, {@code OneShot}: status, one-shot), so that every reader agrees: the
 * mapping, the defaults below and the routes ({@code '{{asc.sync.mode}}' != 'status'}). A value that is no mode
 * ({@code oneshot}) still fails the mapping's conversion.</li>
 * <li>{@code quarkus.http.host-enabled}: false for a run that ends by itself ({@code asc.sync.mode} one-shot, status
 * or seed: a CronJob or a command, nobody scrapes it); the service keeps its HTTP port (health, metrics, status).</li>
 * <li>{@code quarkus.datasource.active}: false unless {@code asc.state.store=jdbc}; the file store never opens the
 * database, so its pool is not created either.</li>
 * <li>{@code quarkus.log.category."io.quarkus".level}: WARN for a run that ends by itself, while application.properties
 * says INFO: Quarkus' start lines (installed features, profile, an empty "Listening on:") are for a service.</li>
 * <li>{@code quarkus.log.console.stderr}: true in status mode, whose table is the only thing on standard output (so
 * it can be piped); the logs go to standard error.</li>
 * <li>{@code camel.main.routes-include-pattern}, {@code camel.main.routes-exclude-pattern} and
 * {@code camel.component.kamelet.location}: the routes and Kamelets the mode reads, built-in and of
 * {@code asc.routes.dir} ({@link RouteSources}).</li>
 * </ul>
 * Each is derived only while the user sets it nowhere: a value from any source above the application's own
 * application.properties (a config/application.properties, .env, the environment, a system property) wins, even the
 * same value. A SmallRye interceptor rather than a property expression: a property can name another's value, not
 * depend on it.
 */
@Priority(Priorities.APPLICATION + 100)
public class ModeDefaults implements ConfigSourceInterceptor {

    static final String MODE = "asc.sync.mode";
    static final String HTTP = "quarkus.http.host-enabled";
    static final String DATASOURCE = "quarkus.datasource.active";
    static final String STDERR = "quarkus.log.console.stderr";
    static final String QUARKUS_LOG = "quarkus.log.category.\"io.quarkus\".level";
    private static final Set<String> ENDING_MODES = Set.of("one-shot", "status", "seed");

    /** The built-in route files a folder replaces, by folder: listed once, not at each read of the exclude pattern. */
    private final Map<Path, List<String>> replaced = new ConcurrentHashMap<>();

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (MODE.equals(name)) {
            return value == null || value.getValue() == null ? value : value.withValue(canonical(value.getValue()));
        }
        if (userSet(value)) {
            return value;
        }
        String derived = switch (name) {
            case QUARKUS_LOG -> value != null && "INFO".equals(value.getValue()) && ENDING_MODES.contains(mode(context)) ? "WARN" : null;
            case HTTP -> Boolean.toString(!ENDING_MODES.contains(mode(context)));
            case STDERR -> Boolean.toString("status".equals(mode(context)));
            case DATASOURCE -> Boolean.toString("jdbc".equals(setting(context, "asc.state.store", "file")));
            case RouteSources.ROUTES -> RouteSources.routes(mode(context), dir(context));
            case RouteSources.NOT_ROUTES -> notRoutes(mode(context), dir(context));
            case RouteSources.KAMELETS -> RouteSources.kamelets(dir(context));
            default -> null;
        };
        if (derived == null || value != null && derived.equals(value.getValue())) {
            return value;
        }
        String source = "asc-analytics-sync (from asc.sync.mode / asc.state.store / asc.routes.dir)";
        return value == null ? ConfigValue.builder().withName(name).withValue(derived).withConfigSourceName(source).build()
                : value.withValue(derived).withConfigSourceName(source);
    }

    /** {@code asc.sync.mode} as the mapping's enum conversion reads it: {@code ONE_SHOT} and {@code OneShot} are one-shot. */
    static String canonical(String mode) {
        String trimmed = mode.trim();
        return trimmed.isEmpty() ? trimmed : StringUtil.skewer(trimmed);
    }

    /**
     * Set by the user: in a source above the application's own application.properties. Not the defaults of the
     * configuration mappings, nor application.properties' own values (the built-in routes, Quarkus' INFO).
     */
    static boolean userSet(ConfigValue value) {
        return value != null && value.getValue() != null && value.getConfigSourceOrdinal() > RouteSources.BUILT_IN_ORDINAL;
    }

    private String notRoutes(String mode, Path dir) {
        return RouteSources.notRoutes(mode, dir == null ? List.of() : replaced.computeIfAbsent(dir, d -> RouteSources.replaced(RouteSources.routeFiles(d))));
    }

    /** The mode, canonical; service when unset. */
    private static String mode(ConfigSourceInterceptorContext context) {
        return canonical(setting(context, MODE, "service"));
    }

    private static String setting(ConfigSourceInterceptorContext context, String name, String fallback) {
        ConfigValue value = context.proceed(name);
        return value == null || value.getValue() == null ? fallback : value.getValue().trim();
    }

    /** The folder of asc.routes.dir, absolute; null when unset or when it is not a folder (the start then stops, RouteFolder). */
    private static Path dir(ConfigSourceInterceptorContext context) {
        String value = setting(context, RouteSources.DIR, "");
        if (value.isEmpty()) {
            return null;
        }
        Path dir = Path.of(value).toAbsolutePath().normalize();
        return Files.isDirectory(dir) ? dir : null;
    }
}
