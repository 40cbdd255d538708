package io.github.ascanalyticssync.config;

import java.util.Locale;
import java.util.Set;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigMappingInterface;
import io.smallrye.config.ConfigMappings;

/**
 * Refuses a yes-or-no setting of the sync whose value is neither: SmallRye's boolean converter reads any other word
 * ({@code ASC_SYNC_READ_ONLY=maybe}) as false, so a typo would silently switch a setting off. The settings are found
 * in the configuration mapping itself (every {@code boolean} and {@code Boolean} method of {@link SyncConfig}).
 */
public final class BooleanSettings {

    private static final Set<String> ACCEPTED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "1", "0");

    private BooleanSettings() {
    }

    public static void check() {
        Config config = ConfigProvider.getConfig();
        ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(SyncConfig.class, "asc")).forEach((key, property) -> {
            if (key.indexOf('*') >= 0 || !isBoolean(property)) {
                return;
            }
            String value = config.getConfigValue(key).getValue();
            if (value != null && !value.isBlank() && !ACCEPTED.contains(value.trim().toLowerCase(Locale.ROOT))) {
                throw new ConfigurationException(key + " is '" + value.trim() + "'; expected true or false");
            }
        });
    }

    private static boolean isBoolean(ConfigMappingInterface.Property property) {
        ConfigMappingInterface.Property p = property.isOptional() ? property.asOptional().getNestedProperty() : property;
        if (p.isPrimitive()) {
            return p.asPrimitive().getPrimitiveType() == boolean.class;
        }
        return p.isLeaf() && p.asLeaf().getValueRawType() == Boolean.class;
    }
}
