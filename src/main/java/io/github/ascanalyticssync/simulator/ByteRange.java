package io.github.ascanalyticssync.simulator;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a file, as S3 serves them ({@code Range: bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}): a
 * single range per request; a header S3 ignores (another unit, several ranges, a malformed or reversed range) means
 * the whole file; a range that starts past the end is unsatisfiable (416).
 */
record ByteRange(long first, long last) {

    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);
    private static final Pattern SPEC = Pattern.compile("(\\d*)-(\\d*)");

    /** The range a {@code Range} header asks of a file of {@code size} bytes; null for the whole file. */
    static ByteRange parse(String header, long size) {
        if (header == null || !header.trim().regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        Matcher m = SPEC.matcher(header.trim().substring(6).trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                return suffix == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            long a = Long.parseLong(m.group(1));
            long b = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            if (b < a) {
                return null;
            }
            return a >= size ? UNSATISFIABLE : new ByteRange(a, Math.min(b, size - 1));
        } catch (NumberFormatException tooLong) {
            return null;
        }
    }

    long length() {
        return last - first + 1;
    }

    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** Passes on only the bytes of the range, and ends the generation once its last byte went out. */
    static final class Slice extends FilterOutputStream {

        /** Thrown once the range is complete: what follows need not be generated. */
        static final class Done extends IOException {
            Done() {
                super("range complete", null);
            }
        }

        private final ByteRange range;
        private long position;

        Slice(OutputStream out, ByteRange range) {
            super(out);
            this.range = range;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            long start = position;
            position += len;
            long from = Math.max(start, range.first);
            long to = Math.min(position, range.last + 1);
            if (from < to) {
                out.write(b, off + (int) (from - start), (int) (to - from));
            }
            if (position > range.last) {
                out.flush();
                throw new Done();
            }
        }
    }
}
