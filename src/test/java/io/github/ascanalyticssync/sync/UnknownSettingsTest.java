package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which asc.* keys the start accepts, and the key a typo is told to use. */
class UnknownSettingsTest {

    private final UnknownSettings.Known known = UnknownSettings.known();

    @Test
    void settingsOfTheMappingsAreKnownAndATypoGetsTheClosest() {
        assertTrue(known.allows("asc.sync.mode"));
        assertTrue(known.allows("asc.sync.app-ids[0]"));
        assertFalse(known.allows("asc.sync.mod"));
        assertEquals("asc.sync.mode", known.closest("asc.sync.mod"));
        assertTrue(known.allows("asc.simulator.api-port"));
    }

    @Test
    void eachKeyOfSeveralKeysHasItsOwnSettings() {
        assertTrue(known.allows("asc.keys"));
        assertTrue(known.allows("asc.keys.team-a.key-id"));
        assertTrue(known.allows("asc.keys.team-b.rate-limit.calls-per-window"));
        assertFalse(known.allows("asc.keys.team-a.keyid"));
        assertEquals("asc.keys.<name>.key-id", known.closest("asc.keys.team-a.keyid").replace("team-a", "<name>"));
    }

    @Test
    void destinationKeysAreFreeFormUnlessATypoOfASetting() {
        assertTrue(known.allows("asc.destinations.archive.prefix"));
        assertFalse(known.allows("asc.destinations.circuit-breaker.failure"));
    }
}
