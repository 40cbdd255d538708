package io.github.ascanalyticssync.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a finished sync reports to the status ({@link SyncStatus#save}): the run's summary, seen from below the run. */
public interface SyncSummary {

    Instant started();

    Duration duration();

    boolean complete();

    long newSegments();

    long copiedSegments();

    long failedSegments();

    Map<String, Long> apiCalls();

    List<String> problems();

    List<String> warnings();

    Map<String, RunTally.Lacking> lacking();
}
