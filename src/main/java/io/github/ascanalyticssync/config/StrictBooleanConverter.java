package io.github.ascanalyticssync.config;

import java.util.Locale;

import jakarta.annotation.Priority;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Yes-or-no settings read strictly: {@code true, false, yes, no, on, off, y, n, 1, 0} in any case, and nothing else.
 * SmallRye's own converter reads any other word ({@code ASC_SYNC_READ_ONLY=maybe}) as false, so a typo would silently
 * switch a setting off. For every boolean read through the configuration (the mappings, {@code asc.keys.<name>.read-only},
 * {@code asc.destinations.<name>.enabled}, Quarkus' own), above SmallRye's converter (priority 100). The refusal becomes
 * one line at start, {@code asc.sync.read-only is 'maybe' (ASC_SYNC_READ_ONLY); expected true or false} (SyncMain).
 */
@Priority(200)
public class StrictBooleanConverter implements Converter<Boolean> {

    /** The refusal's text, which SyncMain.sentence recognises. */
    static final String EXPECTED = "expected true or false";

    @Override
    public Boolean convert(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "" -> null;
            case "true", "yes", "on", "y", "1" -> Boolean.TRUE;
            case "false", "no", "off", "n", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + value.trim() + "' is not a yes-or-no value; " + EXPECTED);
        };
    }
}
