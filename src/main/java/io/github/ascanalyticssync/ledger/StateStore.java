package io.github.ascanalyticssync.ledger;

import java.util.Optional;

/**
 * Small named values the sync keeps between runs, beside the ledgers: the watermark of each app, report and
 * granularity ({@code watermark/<app>/<report>/<granularity>}), and when a ONE_TIME_SNAPSHOT was asked for
 * ({@code snapshot-requested/<app>}); with a shared store also each staged segment's facts ({@code facts/<segment>}).
 */
public interface StateStore {

    Optional<String> get(String key);

    /** Stores the value; it is durable when this returns. */
    void put(String key, String value);

    void remove(String key);

    /** Forgets everything (tests, or a deliberate fresh start). */
    void clear();

    /** Whether other replicas see the same values (then per-segment facts live here too, not in local files). */
    default boolean shared() {
        return false;
    }
}
