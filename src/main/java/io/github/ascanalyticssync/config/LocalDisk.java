package io.github.ascanalyticssync.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A folder of this host that cannot be written (a full disk above all): said once per sync, naming the folder and its
 * setting, and never taken for a network failure. Once the staging folder is known to be full, the sync downloads no
 * further segment into it (each would fail at its first write): they are left for the next sync.
 */
public final class LocalDisk {

    /** A write to a folder of this host failed; not retried (the disk does not empty itself within seconds). */
    public static final class WriteFailed extends RuntimeException {
        private final String folder;

        public WriteFailed(String folder, String message, Throwable cause) {
            super(message, cause, false, false);
            this.folder = folder;
        }

        public String folder() {
            return folder;
        }
    }

    /** Per setting, the folder found full (or not writable) in this sync: the sentence said about it. */
    private static final Map<String, String> FULL = new ConcurrentHashMap<>();

    private LocalDisk() {
    }

    /** Whether the exception, or one of its causes, is the operating system's "no space left" (ENOSPC, EDQUOT). */
    public static boolean isFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** The one sentence for a write to {@code folder} (the value of {@code setting}) that failed. */
    public static WriteFailed writeFailed(Path folder, String setting, IOException e) {
        String where = folder.toAbsolutePath().toString();
        String sentence = isFull(e) ? full(folder, setting)
                : "Cannot write to " + where + " (" + setting + "): " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                        + e.getMessage()) + "; give this process write access there, or set " + setting + " to another folder";
        return new WriteFailed(where, sentence, e);
    }

    /** The one sentence for {@code folder} (the value of {@code setting}) found full. */
    public static String full(Path folder, String setting) {
        return "No space left on device in " + folder.toAbsolutePath() + " (" + setting + "): free space there, or set " + setting
                + " to a folder on a larger disk; what was not written is left for the next sync";
    }

    /** Records that the folder of a setting cannot be written; true the first time in this sync (say it then, only then). */
    public static boolean firstTime(String setting, String sentence) {
        return FULL.putIfAbsent(setting, sentence) == null;
    }

    /** The sentence already said in this sync about the folder of a setting that cannot be written, or null. */
    public static String knownFull(String setting) {
        return FULL.get(setting);
    }

    public static void syncStarted() {
        FULL.clear();
    }
}
