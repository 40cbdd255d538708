package io.github.ascanalyticssync.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.github.ascanalyticssync.config.LocalDisk;

/**
 * One pass over a segment's bytes, as {@link SegmentDownloader}'s download and copy make it: into the temporary file,
 * through the MD5 digest and the content check, chunk by chunk (nothing beyond the check's chunks in memory). It stops
 * as soon as more than the expected size came; {@link #bytes} then exceeds it, and is what came so far when the source
 * breaks. A write that fails is this host's disk's failure ({@link LocalDisk#writeFailed}), not the source's.
 */
final class SegmentPass {

    private final long expected;
    private final Path staging;
    private final MessageDigest digest;
    long bytes;

    /** @param staging the staging folder, named when a write fails */
    SegmentPass(long expected, Path staging) throws NoSuchAlgorithmException {
        this.expected = expected;
        this.staging = staging;
        this.digest = MessageDigest.getInstance("MD5");
    }

    void run(InputStream in, OutputStream out, SegmentCheck check) throws IOException {
        boolean more = true;
        while (more && bytes <= expected) {
            byte[] chunk = check.buffer();
            int n = in.readNBytes(chunk, 0, chunk.length);
            more = n == chunk.length;
            digest.update(chunk, 0, n);
            write(out, chunk, n);
            bytes += n;
            if (bytes <= expected) {
                check.submit(chunk, n);
            }
        }
    }

    String md5() {
        return HexFormat.of().formatHex(digest.digest());
    }

    private void write(OutputStream out, byte[] chunk, int n) {
        try {
            out.write(chunk, 0, n);
        } catch (IOException e) {
            throw LocalDisk.writeFailed(staging, SegmentDownloader.STATE_DIR, e);
        }
    }
}
