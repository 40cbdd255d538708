package io.github.ascanalyticssync.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * Where Camel reads the routes and the Kamelets, and which routes a mode loads. The routes of the project's routes/
 * (and its Kamelets) are part of the application: {@code classpath:routes/*.yaml} and {@code classpath:kamelets}, so
 * the packaged application runs from any working directory. {@code asc.routes.dir} (ASC_ROUTES_DIR) names a folder
 * read at run time on top of them: each {@code *.yaml} there is loaded too, and one named like a built-in file
 * ({@code destinations.yaml}) replaces it; its {@code *.kamelet.yaml} files (and those of its {@code kamelets/}
 * folder) are Kamelets, found before the built-in ones. So a destination is one more YAML file in that folder (a
 * Kubernetes ConfigMap mounted there), and the project's own routes/ can be given as it is, edits included.
 * <p>
 * The modes, by file (built-in or of the folder): {@code asc.sync.mode=status} reads no route (it prints a table and
 * exits); {@code seed} reads neither the sync ({@code sync.yaml}, {@code asc-api.yaml}) nor the status view
 * ({@code status.yaml}), only the destinations, their error handling and {@code seed.yaml}; the others do not read
 * {@code seed.yaml}.
 * <p>
 * Each value is derived only while it comes from the application's own application.properties: a user who sets
 * {@code camel.main.routes-include-pattern} (or the other three) anywhere gets exactly that.
 */
@Priority(Priorities.APPLICATION + 100)
public class RouteSources implements ConfigSourceInterceptor {

    static final String ROUTES = "camel.main.routes-include-pattern";
    static final String NOT_ROUTES = "camel.main.routes-exclude-pattern";
    static final String KAMELETS = "camel.component.kamelet.location";
    static final String DIR = "asc.routes.dir";

    /** The ordinal of the application.properties inside the application (config/application.properties: 260). */
    static final int BUILT_IN_ORDINAL = 250;

    /** The built-in values, as application.properties has them. */
    static final String BUILT_IN_ROUTES = "classpath:routes/*.yaml";
    static final String BUILT_IN_NOT_ROUTES = "**/*.kamelet.yaml";
    static final String BUILT_IN_KAMELETS = "classpath:kamelets";

    /** The route files a mode does not read (the seed's, the sync's and the status view's). */
    static final String NOT_SEED = "**/seed.yaml";
    static final String SEED = "**/sync.yaml,**/asc-api.yaml,**/status.yaml";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        String derived = switch (name) {
            case ROUTES -> builtIn(value, BUILT_IN_ROUTES) ? routes(mode(context), dir(context)) : null;
            case NOT_ROUTES -> builtIn(value, BUILT_IN_NOT_ROUTES) ? notRoutes(mode(context), dir(context)) : null;
            case KAMELETS -> builtIn(value, BUILT_IN_KAMELETS) ? kamelets(dir(context)) : null;
            default -> null;
        };
        return derived == null || derived.equals(value.getValue()) ? value : value.withValue(derived)
                .withConfigSourceName("asc-analytics-sync (from asc.routes.dir / asc.sync.mode)");
    }

    /** The value as the application's own application.properties gives it: set nowhere else (not even to the same value). */
    static boolean builtIn(ConfigValue value, String builtIn) {
        return value != null && builtIn.equals(value.getValue()) && value.getConfigSourceOrdinal() <= BUILT_IN_ORDINAL;
    }

    /** The built-in routes, then the folder's; none in status mode. */
    static String routes(String mode, Path dir) {
        if ("status".equals(mode)) {
            return "false"; // Camel: no route is read
        }
        return dir == null ? BUILT_IN_ROUTES : BUILT_IN_ROUTES + ",file:" + dir + "/*.yaml";
    }

    /** Kamelet files are never routes, nor what the mode does not run; a built-in route file that the folder replaces is not read. */
    static String notRoutes(String mode, Path dir) {
        return Stream.concat(Stream.of(BUILT_IN_NOT_ROUTES, "seed".equals(mode) ? SEED : NOT_SEED),
                replaced(dir).stream().flatMap(RouteSources::builtInLocations)).collect(Collectors.joining(","));
    }

    static String kamelets(Path dir) {
        return dir == null ? BUILT_IN_KAMELETS : "file:" + dir.resolve("kamelets") + ",file:" + dir + "," + BUILT_IN_KAMELETS;
    }

    /** The route files of the folder (not its Kamelets), by name. */
    static List<String> routeFiles(Path dir) {
        if (dir == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml") && !f.endsWith(".kamelet.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where Camel finds a built-in route file: the location its classpath scan gives it (in the jar,
     * {@code file:/.../app/asc-analytics-sync.jar!/routes/sync.yaml}; {@code file:/.../classes/routes/sync.yaml} from a
     * folder), and {@code classpath:routes/sync.yaml} (a native executable).
     */
    private static Stream<String> builtInLocations(String file) {
        java.net.URL url = RouteSources.class.getClassLoader().getResource("routes/" + file);
        String scanned = url == null ? null : url.toString().replaceFirst("^jar:", "");
        return Stream.of("classpath:routes/" + file, scanned).filter(java.util.Objects::nonNull).distinct();
    }

    /** The folder's route files that have the name of a built-in one, and so replace it. */
    static List<String> replaced(Path dir) {
        return routeFiles(dir).stream().filter(f -> RouteSources.class.getClassLoader().getResource("routes/" + f) != null).toList();
    }

    private static String mode(ConfigSourceInterceptorContext context) {
        ConfigValue value = context.proceed("asc.sync.mode");
        return value == null || value.getValue() == null ? "service" : value.getValue().trim();
    }

    /** The folder of asc.routes.dir, absolute; null when unset or when it is not a folder (the start then stops, RouteFolder). */
    private static Path dir(ConfigSourceInterceptorContext context) {
        ConfigValue value = context.proceed(DIR);
        if (value == null || value.getValue() == null || value.getValue().isBlank()) {
            return null;
        }
        Path dir = Path.of(value.getValue().trim()).toAbsolutePath().normalize();
        return Files.isDirectory(dir) ? dir : null;
    }
}
