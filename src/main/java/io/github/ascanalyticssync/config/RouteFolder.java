package io.github.ascanalyticssync.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import org.apache.camel.quarkus.main.events.BeforeConfigure;

import io.quarkus.runtime.PreventFurtherStepsException;

/**
 * Before Camel reads the routes: a folder named by {@code asc.routes.dir} that is not there stops the start with one
 * line and exit code 2; otherwise one INFO line says where the routes come from (see {@link RouteSources}).
 */
@ApplicationScoped
public class RouteFolder {

    private static final Logger LOG = Logger.getLogger(RouteFolder.class);

    @Inject
    SyncConfig config;

    /** Before the start-up checks of SyncStartup (whose key checks need more than a folder) and the simulator. */
    void beforeCamel(@Observes @Priority(Interceptor.Priority.APPLICATION + 400) BeforeConfigure event) {
        Path dir = config.routes().dir().map(d -> d.toAbsolutePath().normalize()).orElse(null);
        if (dir != null && !Files.isDirectory(dir)) {
            LOG.errorf("asc.routes.dir (ASC_ROUTES_DIR) names %s, which %s; give the folder of your route files (*.yaml), or unset it to run"
                    + " the built-in routes", dir, Files.exists(dir) ? "is a file, not a folder" : "does not exist");
            throw new PreventFurtherStepsException(2);
        }
        if (config.sync().mode() == SyncConfig.Mode.STATUS) {
            return; // no route is read: the table alone
        }
        String routes = ConfigProvider.getConfig().getOptionalValue(RouteSources.ROUTES, String.class).orElse("");
        if (!routes.startsWith(RouteSources.BUILT_IN_ROUTES)) {
            LOG.infof("Routes: %s=%s", RouteSources.ROUTES, routes);
        } else if (dir == null) {
            LOG.infof("Routes: the built-in ones (set asc.routes.dir to read a folder of your own too)");
        } else {
            List<String> files = RouteSources.routeFiles(dir);
            List<String> replaced = RouteSources.replaced(files);
            List<String> added = new ArrayList<>(files);
            added.removeAll(replaced);
            LOG.infof("Routes: the built-in ones and those of %s (asc.routes.dir): %s added%s; Kamelets from %s, %s, then the built-in ones",
                    dir, added.isEmpty() ? "none" : String.join(", ", added), replaced.isEmpty() ? "" : ", " + String.join(", ", replaced)
                            + " in place of the built-in one(s)", dir.resolve("kamelets"), dir);
        }
    }
}
