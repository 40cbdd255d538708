package io.github.ascanalyticssync.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The simulator is off in the prod profile and on in dev and test, as application.properties declares. */
class ProfilesTest {

    private static boolean enabledIn(String profile) throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withProfile(profile)
                .withSources(new PropertiesConfigSource(ProfilesTest.class.getResource("/application.properties"), 100)).build();
        return config.getValue("asc.simulator.enabled", Boolean.class);
    }

    @Test
    void offInProdOnInDevAndTest() throws IOException {
        assertEquals(false, enabledIn("prod"));
        assertEquals(true, enabledIn("dev"));
        assertEquals(true, enabledIn("test"));
    }
}
