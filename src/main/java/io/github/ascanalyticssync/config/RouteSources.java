package io.github.ascanalyticssync.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
 * The values are derived by {@link ModeDefaults} while the user sets them nowhere: a user who sets
 * {@code camel.main.routes-include-pattern} (or the other two) anywhere gets exactly that.
 */
final class RouteSources {

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

    private RouteSources() {
    }

    /** The built-in routes, then the folder's; none in status mode. */
    static String routes(String mode, Path dir) {
        if ("status".equals(mode)) {
            return "false"; // Camel: no route is read
        }
        return dir == null ? BUILT_IN_ROUTES : BUILT_IN_ROUTES + ",file:" + dir + "/*.yaml";
    }

    /** Kamelet files are never routes, nor what the mode does not run; a built-in route file that the folder replaces is not read. */
    static String notRoutes(String mode, List<String> replaced) {
        return Stream.concat(Stream.of(BUILT_IN_NOT_ROUTES, "seed".equals(mode) ? SEED : NOT_SEED),
                replaced.stream().flatMap(RouteSources::builtInLocations)).collect(Collectors.joining(","));
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

    /** Those of the folder's route files (routeFiles) that have the name of a built-in one, and so replace it. */
    static List<String> replaced(List<String> routeFiles) {
        return routeFiles.stream().filter(f -> RouteSources.class.getClassLoader().getResource("routes/" + f) != null).toList();
    }
}
