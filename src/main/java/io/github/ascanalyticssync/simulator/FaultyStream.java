package io.github.ascanalyticssync.simulator;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** Applies download faults: stops at a byte offset, flips one byte, or caps the bandwidth. */
final class FaultyStream extends FilterOutputStream {
    static final class Cut extends IOException {
        Cut() {
            super("cut by an injected fault", null);
        }
    }

    private final long cutAt;
    private final long corruptAt;
    private final long bytesPerSecond;
    private final long started = System.nanoTime();
    private long written;

    FaultyStream(OutputStream out, long cutAt, long corruptAt, long bytesPerSecond) {
        super(out);
        this.cutAt = cutAt;
        this.corruptAt = corruptAt;
        this.bytesPerSecond = bytesPerSecond;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] { (byte) b }, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (cutAt >= 0 && written + len > cutAt) {
            int keep = (int) (cutAt - written);
            if (keep > 0) {
                out.write(b, off, keep);
            }
            out.flush();
            throw new Cut();
        }
        if (corruptAt >= 0 && written <= corruptAt && corruptAt < written + len) {
            b = b.clone();
            b[off + (int) (corruptAt - written)] ^= (byte) 0xFF;
        }
        out.write(b, off, len);
        written += len;
        throttle();
    }

    private void throttle() throws IOException {
        if (bytesPerSecond <= 0) {
            return;
        }
        long due = started + written * 1_000_000_000L / bytesPerSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
        }
    }
}
