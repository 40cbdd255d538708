package io.github.ascanalyticssync.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.github.ascanalyticssync.config.LocalDisk;

/**
 * Downloads a segment from its presigned URL into the staging folder in one pass over the bytes: they go to a
 * temporary file, through an MD5 digest, and to the {@link SegmentCheck} (strict gzip to the end, a header row, the
 * manifest's facts). Only a segment whose size, checksum and content all pass is renamed into place. The API token
 * is never sent; only allowed hosts are fetched, over https (plain http only for the local simulator).
 */
public class SegmentDownloader {

    /** The content checks' threads: one per download under way, idle ones end after a minute. */
    private static final ExecutorService checks = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "segment-check");
        t.setDaemon(true);
        return t;
    });

    private final Path staging;
    private final AllowedHosts allowed;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    /**
     * @param simulatorStorage the simulator's storage base URL ({@code http://127.0.0.1:8092}) when it runs here, else null
     */
    public SegmentDownloader(Path staging, List<String> allowedHosts, String simulatorStorage, Duration connectTimeout, Duration readTimeout) {
        this.staging = staging;
        this.allowed = new AllowedHosts(allowedHosts, simulatorStorage);
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** The staged, verified file of a segment, if an earlier run left one. */
    public Path staged(String segmentId) {
        return staging.resolve(segmentId + ".tsv.gz");
    }

    /** A verified segment in the staging folder, with what it holds. */
    public record Staged(Path file, SegmentFacts facts) {
    }

    /**
     * Downloads and verifies in one pass: each chunk goes to the staging file, through the MD5 digest, and to the
     * content check on its second thread. Returns the staged file and its facts; throws a
     * {@link SegmentDownloadException} naming the segment and what is wrong.
     */
    public Staged download(String segmentId, String url, long sizeInBytes, String checksum) throws IOException {
        URI uri = URI.create(url);
        try {
            checkAllowed(uri);
        } catch (SegmentDownloadException.ForbiddenHost e) {
            String why = e.getMessage();
            throw new SegmentDownloadException.ForbiddenHost("Segment " + segmentId + " is skipped: " + Character.toLowerCase(why.charAt(0)) + why.substring(1));
        }
        String full = LocalDisk.knownFull(STATE_DIR);
        if (full != null) {
            // the staging folder filled up earlier in this sync: no download that would fail at its first write
            throw new LocalDisk.WriteFailed(staging.toAbsolutePath().toString(), full, null);
        }
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw LocalDisk.writeFailed(staging, STATE_DIR, e);
        }
        Path target = staged(segmentId);
        Path partial = staging.resolve("." + segmentId + ".part");
        String where = uri.getHost() + uri.getPath();
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        boolean complete = false;
        connection.setConnectTimeout((int) connectTimeout.toMillis());
        connection.setReadTimeout((int) readTimeout.toMillis());
        connection.setInstanceFollowRedirects(false);
        connection.setRequestProperty("Accept-Encoding", "identity");
        try {
            int status = connection.getResponseCode();
            if (status == 403) {
                throw new SegmentDownloadException("Segment " + segmentId + ": " + where + " refused the download (403): the URL expired", true);
            }
            if (status != 200) {
                throw new SegmentDownloadException("Segment " + segmentId + ": " + where + " answered " + status, false);
            }
            SegmentPass pass = new SegmentPass(sizeInBytes, staging);
            SegmentCheck.Content content;
            try (SegmentCheck check = SegmentCheck.start(checks)) {
                try (InputStream in = connection.getInputStream(); OutputStream out = local(() -> Files.newOutputStream(partial))) {
                    pass.run(in, out, check);
                } catch (IOException e) {
                    throw new SegmentDownloadException("Segment " + segmentId + ": the transfer from " + where + " broke after " + pass.bytes
                            + " of " + sizeInBytes + " bytes (" + e.getClass().getSimpleName() + ")", false);
                }
                long received = pass.bytes;
                if (received > sizeInBytes) {
                    throw new SegmentDownloadException("Segment " + segmentId + ": more bytes than the announced " + sizeInBytes, false);
                }
                if (received != sizeInBytes) {
                    throw new SegmentDownloadException("Segment " + segmentId + ": received " + received + " bytes, sizeInBytes says " + sizeInBytes, false);
                }
                String actual = pass.md5();
                if (!actual.equalsIgnoreCase(checksum)) {
                    throw new SegmentDownloadException("Segment " + segmentId + ": checksum " + actual + " does not match the announced " + checksum, false);
                }
                content = check.finish();
            } catch (SegmentCheck.Failed e) {
                throw new SegmentDownloadException("Segment " + segmentId + " " + e.getMessage()
                        + ", although its size and checksum match the listing", false);
            }
            local(() -> Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE));
            complete = true;
            return new Staged(target, new SegmentFacts(segmentId, checksum, pass.bytes, content.rows(),
                    content.firstDate(), content.lastDate()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new SegmentDownloadException("Segment " + segmentId + ": " + where + " could not be reached (" + e.getClass().getSimpleName() + ")", false);
        } finally {
            if (!complete) {
                // a broken or unread response must not be handed back to the keep-alive pool
                connection.disconnect();
            }
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Stages a copy another destination holds (a file of its folder), in the same single pass as a download: the bytes
     * go to a temporary file in the staging folder, through the MD5 digest and the content check. Returns the staged
     * file and its facts, or null when the copy does not match the record (its size, its MD5, or content that does not
     * read): such a copy is not used, and {@code mismatch} receives why, in words. Never more than the recorded size is
     * read, and nothing is held in memory beyond the check's chunks.
     */
    public Staged copy(String segmentId, Path source, long sizeInBytes, String checksum, java.util.function.Consumer<String> mismatch) {
        String full = LocalDisk.knownFull(STATE_DIR);
        if (full != null) {
            throw new LocalDisk.WriteFailed(staging.toAbsolutePath().toString(), full, null);
        }
        local(() -> Files.createDirectories(staging));
        Path target = staged(segmentId);
        Path partial = staging.resolve("." + segmentId + ".part");
        try {
            SegmentPass pass = new SegmentPass(sizeInBytes, staging);
            SegmentCheck.Content content;
            try (SegmentCheck check = SegmentCheck.start(checks)) {
                try (InputStream in = Files.newInputStream(source); OutputStream out = local(() -> Files.newOutputStream(partial))) {
                    pass.run(in, out, check);
                } catch (IOException e) {
                    mismatch.accept("it could not be read (" + e.getClass().getSimpleName() + ")");
                    return null;
                }
                long read = pass.bytes;
                if (read > sizeInBytes) {
                    mismatch.accept("it has more than the recorded " + sizeInBytes + " bytes");
                    return null;
                }
                if (read != sizeInBytes) {
                    mismatch.accept("it has " + read + " bytes, the record says " + sizeInBytes);
                    return null;
                }
                String actual = pass.md5();
                if (!actual.equalsIgnoreCase(checksum)) {
                    mismatch.accept("its MD5 " + actual + " is not the recorded " + checksum);
                    return null;
                }
                content = check.finish();
            } catch (SegmentCheck.Failed e) {
                mismatch.accept("it " + e.getMessage());
                return null;
            } catch (IOException e) {
                mismatch.accept("it could not be read (" + e.getClass().getSimpleName() + ")");
                return null;
            }
            local(() -> Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE));
            return new Staged(target, new SegmentFacts(segmentId, checksum, pass.bytes, content.rows(), content.firstDate(), content.lastDate()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // swept before the next sync
            }
        }
    }

    static final String STATE_DIR = "asc.state.dir";

    /** An I/O step on this host's disk: its failure is the disk's, not the network's (no retry, one sentence). */
    private interface Local<T> {
        T run() throws IOException;
    }

    private <T> T local(Local<T> step) {
        try {
            return step.run();
        } catch (IOException e) {
            throw LocalDisk.writeFailed(staging, STATE_DIR, e);
        }
    }

    /** Refuses a URL that is not https or whose host is not allowed ({@link AllowedHosts}). */
    void checkAllowed(URI uri) {
        allowed.check(uri);
    }
}
