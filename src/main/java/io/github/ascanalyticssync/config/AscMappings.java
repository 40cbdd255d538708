package io.github.ascanalyticssync.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Every config mapping of {@code asc.*}, for {@link UnknownSettings}: the sync's ({@link SyncConfig}), and those
 * another part of the application contributes in a {@value #CONTRIBUTED} resource ({@code <interface>=<prefix>} lines:
 * the simulator's), loaded by name so that the sync imports nothing of the simulator.
 */
final class AscMappings {

    static final String CONTRIBUTED = "META-INF/asc-config-mappings.properties";

    private AscMappings() {
    }

    /** Each mapping's interface and its prefix. */
    static Map<Class<?>, String> all() {
        Map<Class<?>, String> mappings = new LinkedHashMap<>();
        mappings.put(SyncConfig.class, "asc");
        ClassLoader loader = UnknownSettings.class.getClassLoader();
        try {
            for (URL url : Collections.list(loader.getResources(CONTRIBUTED))) {
                Properties contributed = new Properties();
                try (InputStream in = url.openStream()) {
                    contributed.load(in);
                }
                for (String type : new TreeSet<>(contributed.stringPropertyNames())) {
                    mappings.put(Class.forName(type, false, loader), contributed.getProperty(type).trim());
                }
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("The contributed config mappings (" + CONTRIBUTED + ") cannot be read", e);
        }
        return mappings;
    }
}
