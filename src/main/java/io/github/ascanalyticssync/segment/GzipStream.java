package io.github.ascanalyticssync.segment;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses gzip (RFC 1952) strictly: every member's CRC-32 and length are checked, the data must end with a
 * complete member, and nothing but another member may follow one. Hand-written over {@link Inflater} because
 * {@code java.util.zip.GZIPInputStream} silently ignores whatever follows a member, which would let a damaged
 * segment verify. A damaged stream throws {@link Damaged}, whose message says what is wrong.
 */
final class GzipStream extends InputStream {

    /** The compressed bytes are not a complete, intact gzip file; the message completes "the segment ...". */
    static final class Damaged extends IOException {
        Damaged(String message) {
            super(message);
        }
    }

    private static final int FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, RESERVED = 0xE0;

    private final InputStream in;
    private final byte[] input = new byte[64 * 1024];
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private int inPos;
    private int inLimit;
    private long read;
    private long memberSize;
    private int members;
    private boolean done;

    GzipStream(InputStream in) throws IOException {
        this.in = in;
        if (!fill()) {
            throw new Damaged("is empty, not gzip");
        }
        int first = next();
        int second = fill() ? next() : -1;
        if (first != 0x1F || second != 0x8B) {
            String start = second < 0 ? String.format("%02x", first) : String.format("%02x %02x", first, second);
            throw new Damaged("is not gzip (it starts with bytes " + start + ", not 1f 8b)");
        }
        header();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!done) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new Damaged("has corrupt gzip data near compressed byte " + consumed() + " (" + e.getMessage() + ")");
            }
            if (n > 0) {
                crc.update(b, off, n);
                memberSize += n;
                return n;
            }
            if (inflater.finished()) {
                inPos = inLimit - inflater.getRemaining();
                inflater.reset();
                trailer();
                done = !nextMember();
            } else if (inflater.needsDictionary()) {
                throw new Damaged("has corrupt gzip data near compressed byte " + consumed() + " (a preset dictionary)");
            } else if (inflater.needsInput()) {
                if (!fill()) {
                    throw new Damaged("ends early: its gzip data is truncated after " + read + " compressed bytes");
                }
                inflater.setInput(input, inPos, inLimit - inPos);
                inPos = inLimit;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }

    private long consumed() {
        return read - (inLimit - inPos) - inflater.getRemaining();
    }

    /** Refills the input buffer once everything in it was consumed; false at the end of the compressed bytes. */
    private boolean fill() throws IOException {
        if (inPos < inLimit) {
            return true;
        }
        int n = in.read(input, 0, input.length);
        if (n <= 0) {
            return false;
        }
        inPos = 0;
        inLimit = n;
        read += n;
        return true;
    }

    private int next() throws IOException {
        if (!fill()) {
            throw new Damaged("ends early: its gzip data is truncated after " + read + " compressed bytes");
        }
        return input[inPos++] & 0xFF;
    }

    /** A member's header, after its two magic bytes. */
    private void header() throws IOException {
        members++;
        if (next() != 8) {
            throw new Damaged("uses a gzip compression method other than deflate in member " + members);
        }
        int flags = next();
        if ((flags & RESERVED) != 0) {
            throw new Damaged("has reserved gzip header flags set in member " + members);
        }
        skip(6); // modification time, extra flags, operating system
        if ((flags & FEXTRA) != 0) {
            skip(next() | next() << 8);
        }
        if ((flags & FNAME) != 0) {
            while (next() != 0) {
                // the original file name, zero-terminated
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (next() != 0) {
                // a comment, zero-terminated
            }
        }
        if ((flags & FHCRC) != 0) {
            skip(2);
        }
        inflater.reset();
        crc.reset();
        memberSize = 0;
        inflater.setInput(input, inPos, inLimit - inPos);
        inPos = inLimit;
    }

    private void skip(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            next();
        }
    }

    private void trailer() throws IOException {
        long expectedCrc = next() | next() << 8 | next() << 16 | (long) next() << 24;
        long expectedSize = next() | next() << 8 | next() << 16 | (long) next() << 24;
        if (expectedCrc != crc.getValue()) {
            throw new Damaged("fails the CRC-32 check of gzip member " + members + " (corrupt data)");
        }
        if (expectedSize != (memberSize & 0xFFFFFFFFL)) {
            throw new Damaged("fails the length check of gzip member " + members + " (corrupt data)");
        }
    }

    /** After a member: true when another one follows, false at the end of the data. */
    private boolean nextMember() throws IOException {
        if (!fill()) {
            return false;
        }
        long at = consumed();
        if (next() != 0x1F || !fill() || next() != 0x8B) {
            throw new Damaged("has bytes after its gzip data that are not gzip (from compressed byte " + at + " on)");
        }
        header();
        return true;
    }
}
