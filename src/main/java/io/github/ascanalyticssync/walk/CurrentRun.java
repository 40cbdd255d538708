package io.github.ascanalyticssync.walk;

import java.time.Instant;

/**
 * The sync in flight, as the walk sees it (the run, SyncRun, implements it): whether the application is stopping, and
 * when the sync started. The walk asks it instead of importing the run, which sits above the walk.
 */
public interface CurrentRun {

    /** The application is stopping: the walk starts no further listing, download or delivery. */
    boolean stopping();

    /** When the current (or last) sync started; null before the first. */
    Instant started();
}
