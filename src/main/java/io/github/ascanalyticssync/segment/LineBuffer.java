package io.github.ascanalyticssync.segment;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The lines of a stream, for {@link SegmentReader}: a byte buffer that holds at least the current line, read more as
 * needed (growing for a long line, up to {@link SegmentReader#MAX_LINE}). A line is {@code [start, end)} of
 * {@link #buf()}, without its CR and LF; the buffer may be another after {@link #next()}.
 */
final class LineBuffer implements Closeable {

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private byte[] buf = new byte[256 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private long lines;
    private int start;
    private int end;

    LineBuffer(InputStream in) {
        this.in = in;
    }

    byte[] buf() {
        return buf;
    }

    /** Where the current line starts in {@link #buf()}. */
    int start() {
        return start;
    }

    /** Where the current line ends in {@link #buf()}, its CR and LF left out. */
    int end() {
        return end;
    }

    /** Finds the next line in the buffer, reading more as needed; false at the end of the stream. */
    boolean next() throws IOException {
        int scan = pos;
        while (true) {
            int i = newline(buf, scan, limit);
            if (i < limit) {
                line(pos, i);
                pos = i + 1;
                return true;
            }
            if (eof) {
                if (pos == limit) {
                    return false;
                }
                line(pos, limit);
                pos = limit;
                return true;
            }
            scan = limit - pos;
            fill();
        }
    }

    /**
     * The index of the first LF in {@code b[from, to)}, or {@code to}: eight bytes at a time (a word whose XOR with
     * eight LFs has a zero byte holds one; the lowest flagged byte is the first zero), the last few one by one.
     */
    private static int newline(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) WORDS.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL;
            long zero = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        while (i < to && b[i] != '\n') {
            i++;
        }
        return i;
    }

    /** The current line is {@code [start, end)}, without a CR before its LF. */
    private void line(int start, int end) {
        lines++;
        this.start = start;
        this.end = end > start && buf[end - 1] == '\r' ? end - 1 : end;
    }

    /** Moves the unread bytes to the front (growing the buffer for a long line) and reads more. */
    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            if (buf.length >= SegmentReader.MAX_LINE) {
                throw new IOException("has a line longer than " + (SegmentReader.MAX_LINE >> 20) + " MiB (line " + (lines + 1)
                        + "), which is not segment text");
            }
            buf = Arrays.copyOf(buf, Math.min(SegmentReader.MAX_LINE, buf.length * 2));
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
