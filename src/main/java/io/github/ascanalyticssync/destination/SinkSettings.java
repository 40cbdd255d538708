package io.github.ascanalyticssync.destination;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.URISupport;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import io.github.ascanalyticssync.config.SyncConfig;
import io.quarkus.runtime.PreventFurtherStepsException;

/**
 * Checks at start that every enabled destination's sink has the properties its Kamelet requires
 * ({@code spec.definition.required}), so that a destination without its folder, bucket or host stops the start with
 * one line naming the destination and the property, instead of failing every delivery. A property is given by the
 * sink's URI ({@code kamelet:asc-folder-sink/archive?path=...}), by {@code camel.kamelet.<kamelet>.<name>.<property>}
 * or {@code camel.kamelet.<kamelet>.<property>}, or by the Kamelet's own default. The Kamelets are read from where the
 * kamelet component reads them ({@code camel.component.kamelet.location}). Runs once Camel has read the routes, before
 * any of them starts.
 */
@ApplicationScoped
public class SinkSettings {

    private static final Logger LOG = Logger.getLogger(SinkSettings.class);

    @Inject
    SyncConfig config;

    void afterRoutesRead(@Observes AfterConfigure event) {
        if (!config.sync().enabled() || config.sync().mode() == SyncConfig.Mode.STATUS) {
            return;
        }
        CamelContext camel = event.getCamelContext();
        String problem;
        try {
            problem = check(camel, ConfigProvider.getConfig());
        } catch (RuntimeException e) {
            LOG.debug("The destinations' sinks could not be checked", e);
            return; // the deliveries name what is wrong
        }
        if (problem != null) {
            LOG.error(problem);
            throw new PreventFurtherStepsException(2);
        }
    }

    /** The first missing required property of an enabled destination's sink, as a sentence; null when none is missing. */
    static String check(CamelContext camel, Config config) {
        ModelCamelContext model = (ModelCamelContext) camel;
        for (RouteDefinition route : model.getRouteDefinitions()) {
            String id = route.getRouteId();
            if (id == null || !id.startsWith(Destinations.PREFIX)) {
                continue;
            }
            String name = id.substring(Destinations.PREFIX.length());
            if (!config.getOptionalValue("asc.destinations." + name + ".enabled", Boolean.class).orElse(true)) {
                continue;
            }
            Map<String, Object> parameters = route.getTemplateParameters();
            Object sink = parameters == null ? null : parameters.get("sink");
            if (!(sink instanceof String uri) || !uri.startsWith("kamelet:")) {
                continue;
            }
            String problem = missing(camel, config, name, camel.resolvePropertyPlaceholders(uri));
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String missing(CamelContext camel, Config config, String destination, String uri) {
        String rest = uri.substring("kamelet:".length());
        int query = rest.indexOf('?');
        String path = query < 0 ? rest : rest.substring(0, query);
        String kamelet = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
        String routeId = path.contains("/") ? path.substring(path.indexOf('/') + 1) : null;
        Map<String, Object> given;
        try {
            given = query < 0 ? Map.of() : URISupport.parseQuery(rest.substring(query + 1));
        } catch (java.net.URISyntaxException e) {
            return null; // Camel names a URI it cannot read
        }
        Map<?, ?> definition = definition(camel, kamelet);
        if (definition == null) {
            return null;
        }
        Map<?, ?> properties = definition.get("properties") instanceof Map<?, ?> p ? p : Map.of();
        List<String> required = new ArrayList<>();
        if (definition.get("required") instanceof List<?> list) {
            list.forEach(r -> required.add(String.valueOf(r)));
        }
        for (String property : required) {
            Object value = given.get(property);
            boolean set = value != null && !String.valueOf(value).isBlank()
                    || routeId != null && text(config, "camel.kamelet." + kamelet + "." + routeId + "." + property).isPresent()
                    || text(config, "camel.kamelet." + kamelet + "." + property).isPresent()
                    || properties.get(property) instanceof Map<?, ?> p && p.get("default") != null;
            if (!set) {
                String own = "camel.kamelet." + kamelet + "." + (routeId == null ? "" : routeId + ".") + property;
                return "Destination " + destination + " (route " + Destinations.PREFIX + destination + "): its sink, the Kamelet " + kamelet
                        + ", requires the property " + property + ", which is not set: give it in the sink's URI (kamelet:" + path + "?"
                        + property + "=...) or as " + own + ", or set asc.destinations." + destination + ".enabled=false";
            }
        }
        return null;
    }

    private static Optional<String> text(Config config, String name) {
        return config.getOptionalValue(name, String.class).filter(v -> !v.isBlank());
    }

    /** The Kamelet's {@code spec.definition}, from the first of the kamelet component's locations that has it. */
    private static Map<?, ?> definition(CamelContext camel, String kamelet) {
        String locations = camel.getComponent("kamelet", KameletComponent.class).getLocation();
        if (locations == null) {
            return null;
        }
        for (String location : locations.split(",")) {
            String base = location.trim();
            Resource resource = PluginHelper.getResourceLoader(camel).resolveResource(base + (base.endsWith("/") ? "" : "/") + kamelet + ".kamelet.yaml");
            if (resource == null || !resource.exists()) {
                continue;
            }
            try (InputStream in = resource.getInputStream()) {
                Object yaml = new Load(LoadSettings.builder().build()).loadFromString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (yaml instanceof Map<?, ?> root && root.get("spec") instanceof Map<?, ?> spec && spec.get("definition") instanceof Map<?, ?> d) {
                    return d;
                }
                return null;
            } catch (Exception e) {
                LOG.debugf(e, "The Kamelet %s could not be read from %s", kamelet, base);
                return null;
            }
        }
        return null;
    }
}
