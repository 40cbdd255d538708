package io.github.ascanalyticssync.segment;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a segment row by row, the one reader of segment text in the project (verification and the Kafka rows). The
 * first line is the header; its delimiter is a tab when it has one, else a comma. A UTF-8 BOM and CRLF line ends are
 * tolerated, empty lines skipped. A field that starts with a double quote runs to its closing quote and may contain
 * the delimiter ({@code ""} is a quote); a line whose quotes do not close is split at every delimiter. A row is one
 * line. Streaming over a byte buffer that holds at least the current line ({@link LineBuffer}): memory does not grow
 * with the segment, and scanning makes no String per row (see {@link #compare} and {@link #bytes}).
 */
public final class SegmentReader implements Closeable {

    /** Longest line accepted: a longer one is not segment text (and would hold memory). */
    static final int MAX_LINE = 8 << 20;

    private final LineBuffer in;
    private final List<String> columns;
    /** The buffer of the current line, {@code [lineStart, lineEnd)}. */
    private byte[] buf;
    private int lineStart;
    private int lineEnd;
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private int fields;
    private int cursor;
    private boolean split;
    private byte delimiter = ',';

    /** Reads {@code text}, the segment's decompressed bytes. */
    public SegmentReader(InputStream text) throws IOException {
        this.in = new LineBuffer(text);
        this.buf = in.buf();
        if (!nextLine()) {
            columns = List.of();
            return;
        }
        if (lineEnd - lineStart >= 3 && buf[lineStart] == (byte) 0xEF && buf[lineStart + 1] == (byte) 0xBB && buf[lineStart + 2] == (byte) 0xBF) {
            lineStart += 3;
            cursor = lineStart;
        }
        for (int i = lineStart; i < lineEnd; i++) {
            if (buf[i] == '\t') {
                delimiter = '\t';
                break;
            }
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; has(i); i++) {
            names.add(field(i).trim());
        }
        columns = List.copyOf(names);
    }

    /** A staged segment file, gzip (by its magic bytes) or plain text. */
    public static SegmentReader open(Path file) throws IOException {
        PushbackInputStream raw = new PushbackInputStream(Files.newInputStream(file), 2);
        try {
            byte[] magic = raw.readNBytes(2);
            raw.unread(magic);
            boolean gzip = magic.length == 2 && (magic[0] & 0xFF) == 0x1F && (magic[1] & 0xFF) == 0x8B;
            return new SegmentReader(gzip ? new GzipStream(raw) : raw);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** The header's column names, unquoted and trimmed; empty for an empty segment. */
    public List<String> columns() {
        return columns;
    }

    /** The index of a column, ignoring case; -1 when there is none. */
    public int column(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Moves to the next data row, skipping empty lines; false at the end. */
    public boolean next() throws IOException {
        while (nextLine()) {
            if (lineEnd > lineStart) {
                return true;
            }
        }
        return false;
    }

    /** The number of fields in the current row. */
    public int fields() {
        splitTo(Integer.MAX_VALUE);
        return fields;
    }

    /** Whether the current row has a field {@code i}. */
    public boolean has(int i) {
        splitTo(i);
        return i < fields;
    }

    /** Field {@code i} of the current row, unquoted. */
    public String field(int i) {
        splitTo(i);
        int s = starts[i];
        int e = ends[i];
        if (e - s >= 2 && buf[s] == '"' && buf[e - 1] == '"') {
            return new String(buf, s + 1, e - s - 2, StandardCharsets.UTF_8).replace("\"\"", "\"");
        }
        return new String(buf, s, e - s, StandardCharsets.UTF_8);
    }

    /** Compares field {@code i}'s bytes (without surrounding quotes) with {@code value}, as unsigned bytes. */
    public int compare(int i, byte[] value) {
        int s = valueStart(i);
        return Arrays.compareUnsigned(buf, s, valueEnd(i, s), value, 0, value.length);
    }

    /** A copy of field {@code i}'s bytes, without surrounding quotes. */
    public byte[] bytes(int i) {
        int s = valueStart(i);
        return Arrays.copyOfRange(buf, s, valueEnd(i, s));
    }

    /** Whether field {@code i} is empty (or two quotes). */
    public boolean isEmpty(int i) {
        int s = valueStart(i);
        return valueEnd(i, s) == s;
    }

    private int valueStart(int i) {
        splitTo(i);
        int s = starts[i];
        return ends[i] - s >= 2 && buf[s] == '"' && buf[ends[i] - 1] == '"' ? s + 1 : s;
    }

    private int valueEnd(int i, int valueStart) {
        return valueStart == starts[i] ? ends[i] : ends[i] - 1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Moves to the next line, nothing of it split yet; false at the end. */
    private boolean nextLine() throws IOException {
        if (!in.next()) {
            return false;
        }
        buf = in.buf();
        lineStart = in.start();
        lineEnd = in.end();
        fields = 0;
        cursor = lineStart;
        split = false;
        return true;
    }

    /**
     * Splits the current line up to field {@code i}, lazily: a reader of one column does not split the rest. Fields
     * up to the first one that starts with a quote are the same whether quotes are honoured or not; from there, the
     * whole line is split at once.
     */
    private void splitTo(int i) {
        byte[] b = buf;
        byte d = delimiter;
        int end = lineEnd;
        while (fields <= i && !split) {
            int start = cursor;
            if (start < end && b[start] == '"') {
                if (!split(true)) {
                    split(false);
                }
                return;
            }
            int j = start;
            while (j < end && b[j] != d) {
                j++;
            }
            add(start, j);
            split = j >= end;
            cursor = j + 1;
        }
    }

    /** Splits the whole line; false when quotes are honoured and one does not close. */
    private boolean split(boolean quotes) {
        byte[] b = buf;
        byte d = delimiter;
        int end = lineEnd;
        int i = lineStart;
        fields = 0;
        split = true;
        while (true) {
            int start = i;
            if (quotes && i < end && b[i] == '"') {
                boolean inside = true;
                for (i++; i < end && (inside || b[i] != d); i++) {
                    if (b[i] == '"') {
                        inside = !inside;
                    }
                }
                if (inside) {
                    return false;
                }
            } else {
                while (i < end && b[i] != d) {
                    i++;
                }
            }
            add(start, i);
            if (i >= end) {
                return true;
            }
            i++;
        }
    }

    private void add(int start, int end) {
        if (fields == starts.length) {
            starts = Arrays.copyOf(starts, fields * 2);
            ends = Arrays.copyOf(ends, fields * 2);
        }
        starts[fields] = start;
        ends[fields++] = end;
    }
}
