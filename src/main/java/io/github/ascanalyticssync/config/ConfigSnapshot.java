package io.github.ascanalyticssync.config;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.component.microprofile.config.CamelMicroProfilePropertiesSource;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.util.OrderedProperties;

/**
 * Camel reads the Quarkus configuration through one snapshot of all its properties, taken once, instead of all of them
 * again for every placeholder it resolves. Camel 4.14's property lookup ({@code DefaultPropertiesLookup}) calls
 * {@code loadProperties()} of the configuration's source for each placeholder it resolves, only to name the source in
 * its lookup listeners; {@link CamelMicroProfilePropertiesSource} answers by reading every configuration property (each
 * twice). The error handler resolves its redelivery placeholders for every step of every route, which made that half of
 * the CPU of a start. Hand-written because no Camel option turns it off; Quarkus' runtime configuration does not change
 * while the application runs, so the snapshot answers exactly as the original source. Single values
 * ({@code getProperty}) are still read from the configuration itself.
 */
@ApplicationScoped
public class ConfigSnapshot {

    /** Replaces Camel's configuration source by the snapshot one, before Camel configures itself and its routes. */
    void onConfigure(@Observes BeforeConfigure event) {
        List<PropertiesSource> sources = event.getCamelContext().getPropertiesComponent().getPropertiesSources();
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i).getClass() == CamelMicroProfilePropertiesSource.class) {
                sources.set(i, new Source());
            }
        }
    }

    /** The configuration's properties, loaded on first use and then kept; read-only for its callers. */
    static final class Source extends CamelMicroProfilePropertiesSource {

        private volatile Properties all;

        @Override
        public Properties loadProperties() {
            Properties loaded = all;
            if (loaded == null) {
                loaded = super.loadProperties(name -> true);
                all = loaded;
            }
            return loaded;
        }

        @Override
        public Properties loadProperties(Predicate<String> filter) {
            Properties answer = new OrderedProperties();
            // entrySet, not forEach: OrderedProperties keeps its entries beside the Hashtable forEach reads
            for (Map.Entry<Object, Object> entry : loadProperties().entrySet()) {
                if (filter.test((String) entry.getKey())) {
                    answer.put(entry.getKey(), entry.getValue());
                }
            }
            return answer;
        }
    }
}
