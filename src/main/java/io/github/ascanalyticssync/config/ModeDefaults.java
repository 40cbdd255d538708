package io.github.ascanalyticssync.config;

import java.util.Set;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * Defaults that follow from the sync's own settings, so that a run starts only what it uses. Each applies only while
 * the setting is not given anywhere (application.properties, system property, environment): a value a user sets wins.
 * <ul>
 * <li>{@code quarkus.http.host-enabled}: false for a run that ends by itself ({@code asc.sync.mode} one-shot, status
 * or seed: a CronJob or a command, nobody scrapes it); the service keeps its HTTP port (health, metrics, status).</li>
 * <li>{@code quarkus.datasource.active}: false unless {@code asc.state.store=jdbc}; the file store never opens the
 * database, so its pool is not created either.</li>
 * <li>{@code quarkus.log.category."io.quarkus".level}: WARN for a run that ends by itself, while application.properties
 * says INFO: Quarkus' start lines (installed features, profile, an empty "Listening on:") are for a service.</li>
 * <li>{@code quarkus.log.console.stderr}: true in status mode, whose table is the only thing on standard output (so
 * it can be piped); the logs go to standard error.</li>
 * </ul>
 * A SmallRye interceptor rather than a property expression: a property can name another's value, not depend on it.
 */
@Priority(Priorities.APPLICATION + 100)
public class ModeDefaults implements ConfigSourceInterceptor {

    static final String HTTP = "quarkus.http.host-enabled";
    static final String DATASOURCE = "quarkus.datasource.active";
    static final String STDERR = "quarkus.log.console.stderr";
    static final String QUARKUS_LOG = "quarkus.log.category.\"io.quarkus\".level";
    private static final Set<String> ENDING_MODES = Set.of("one-shot", "status", "seed");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (QUARKUS_LOG.equals(name)) {
            return RouteSources.builtIn(value, "INFO") && ENDING_MODES.contains(setting(context, "asc.sync.mode", "service"))
                    ? value.withValue("WARN") : value;
        }
        if (!HTTP.equals(name) && !DATASOURCE.equals(name) && !STDERR.equals(name) || given(value)) {
            return value;
        }
        boolean derived = STDERR.equals(name) ? "status".equals(setting(context, "asc.sync.mode", "service"))
                : HTTP.equals(name)
                ? !ENDING_MODES.contains(setting(context, "asc.sync.mode", "service"))
                : "jdbc".equals(setting(context, "asc.state.store", "file"));
        return ConfigValue.builder().withName(name).withValue(Boolean.toString(derived))
                .withConfigSourceName("asc-analytics-sync (from asc.sync.mode / asc.state.store)").build();
    }

    /** Set by a user: any source but the defaults of the configuration mappings. */
    private static boolean given(ConfigValue value) {
        return value != null && value.getValue() != null && value.getConfigSourceOrdinal() > Integer.MIN_VALUE;
    }

    private static String setting(ConfigSourceInterceptorContext context, String name, String fallback) {
        ConfigValue value = context.proceed(name);
        return value == null || value.getValue() == null ? fallback : value.getValue().trim();
    }
}
