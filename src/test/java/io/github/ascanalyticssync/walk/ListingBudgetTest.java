package io.github.ascanalyticssync.walk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.ledger.StateStore;

/** The counts a sync keeps for the next one's listing budget: per shard, and never shrunk by a walk cut short. */
class ListingBudgetTest {

    private static ListingBudget budget() {
        Map<String, String> values = new ConcurrentHashMap<>();
        ListingBudget budget = new ListingBudget();
        budget.store = new StateStore() {
            @Override
            public Optional<String> get(String key) {
                return Optional.ofNullable(values.get(key));
            }

            @Override
            public void put(String key, String value) {
                values.put(key, value);
            }

            @Override
            public void remove(String key) {
                values.remove(key);
            }

            @Override
            public void clear() {
                values.clear();
            }
        };
        return budget;
    }

    @Test
    void aWalkCutShortKeepsTheLargerCountsAndACompleteOneTheNewOnes() {
        ListingBudget budget = budget();
        budget.keep("default", null, new int[] { 40, 10, 4 }, false);
        budget.keep("default", null, new int[] { 12, 11, 1 }, true);
        assertArrayEquals(new int[] { 40, 11, 4 }, budget.stored("default", null), "cut short (the quota): each count the larger");
        budget.keep("default", null, new int[] { 30, 2, 3 }, false);
        assertArrayEquals(new int[] { 30, 2, 3 }, budget.stored("default", null), "a complete walk: its own counts, also smaller");
    }

    @Test
    void inClusteredModeEachShardKeepsItsShareAndTheKeySumsThem() {
        ListingBudget budget = budget();
        budget.keep("default", 0, new int[] { 10, 2, 1 }, false);
        budget.keep("default", 1, new int[] { 20, 3, 2 }, false);
        budget.keep("default", 2, new int[] { 5, 0, 1 }, false);
        assertArrayEquals(new int[] { 35, 5, 4 }, budget.stored("default", 3), "one shard's sync does not overwrite the others'");
        budget.keep("default", 1, new int[] { 1, 0, 1 }, true);
        assertArrayEquals(new int[] { 35, 5, 4 }, budget.stored("default", 3), "a shard cut short keeps its share");
    }
}
