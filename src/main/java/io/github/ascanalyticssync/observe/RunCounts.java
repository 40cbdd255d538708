package io.github.ascanalyticssync.observe;

/**
 * The counts of one sync, as {@link RunTally#counts()} gives them.
 *
 * @param newSegments segments delivered for the first time
 * @param skipped segments every destination already had
 * @param failed segments whose download failed every attempt (or that App Store Connect sent unusable)
 * @param completed instances completed in this sync
 * @param alreadyComplete instances found complete already
 * @param bytes bytes downloaded
 * @param copied segments copied to destinations that lacked them (from the local folder's or the staged copy)
 */
public record RunCounts(long newSegments, long skipped, long failed, long completed, long alreadyComplete, long bytes, long copied) {
}
