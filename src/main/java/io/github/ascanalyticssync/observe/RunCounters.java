package io.github.ascanalyticssync.observe;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The counts of the sync in flight, as {@link RunTally} keeps them; {@link #counts()} reads them at its end. */
final class RunCounters {

    final AtomicLong newSegments = new AtomicLong();
    final AtomicLong copied = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong alreadyComplete = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();

    /** A new sync: every count from zero. */
    void reset() {
        for (AtomicLong c : List.of(newSegments, skipped, failed, completed, alreadyComplete, bytes, copied)) {
            c.set(0);
        }
    }

    RunCounts counts() {
        return new RunCounts(newSegments.get(), skipped.get(), failed.get(), completed.get(), alreadyComplete.get(), bytes.get(), copied.get());
    }
}
