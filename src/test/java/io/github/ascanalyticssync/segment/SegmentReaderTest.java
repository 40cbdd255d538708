package io.github.ascanalyticssync.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one reader of segment text: what rows and fields it gives for the shapes segments come in. */
class SegmentReaderTest {

    @TempDir
    Path dir;

    /** Every data row as its list of fields, the header first. */
    private static List<List<String>> rows(SegmentReader reader) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        rows.add(reader.columns());
        while (reader.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 0; i < reader.fields(); i++) {
                row.add(reader.field(i));
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<List<String>> rows(String text) throws IOException {
        try (SegmentReader reader = new SegmentReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))) {
            return rows(reader);
        }
    }

    private Path gzip(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    @Test
    void tabSeparatedWithBomCrlfAndEmptyLines() throws IOException {
        assertEquals(List.of(List.of("App Name", "Date", "Counts"), List.of("Ä", "2026-03-04", "1"), List.of("B", "2026-03-02", "")),
                rows("\uFEFFApp Name\tDate\tCounts\r\nÄ\t2026-03-04\t1\r\n\r\nB\t2026-03-02\t\r\n\n"));
    }

    @Test
    void commaSeparatedWithQuotes() throws IOException {
        assertEquals(List.of(List.of("Date", "Name", "Count"), List.of("2026-01-01", "a, \"b\"", "3"), List.of("2026-01-02", "", "4")),
                rows("\"Date\",\"Name\",Count\n\"2026-01-01\",\"a, \"\"b\"\"\",3\n2026-01-02,\"\",4"));
    }

    @Test
    void aQuoteThatDoesNotCloseIsText() throws IOException {
        assertEquals(List.of(List.of("Date", "Title", "Count"), List.of("2026-01-01", "\"Best", "3"), List.of("2026-01-02", "5\" screen", "4")),
                rows("Date\tTitle\tCount\n2026-01-01\t\"Best\t3\n2026-01-02\t5\" screen\t4\n"));
    }

    @Test
    void emptyAndHeaderOnlySegmentsHaveNoRows() throws IOException {
        assertEquals(List.of(List.of()), rows(""));
        assertEquals(List.of(List.of("Date", "Counts")), rows("Date\tCounts\n"));
        assertEquals(List.of(List.of("Date", "Counts")), rows("Date\tCounts"));
    }

    @Test
    void oneColumnIsReadWithoutSplittingTheRest() throws IOException {
        try (SegmentReader reader = new SegmentReader(new ByteArrayInputStream("Date\tA\tB\n2026-03-01\t\"x\ty\"\t2\n".getBytes(StandardCharsets.UTF_8)))) {
            assertTrue(reader.next());
            assertEquals(0, reader.compare(0, "2026-03-01".getBytes(StandardCharsets.US_ASCII)));
            assertTrue(reader.compare(0, "2026-03-02".getBytes(StandardCharsets.US_ASCII)) < 0);
            assertEquals("x\ty", reader.field(1));
            assertEquals(3, reader.fields());
            assertFalse(reader.has(3));
            assertFalse(reader.next());
        }
    }

    @Test
    void gzipAndPlainFilesAreOpenedAlike() throws IOException {
        String text = "Date\tCounts\n2026-02-01\t5\n";
        Path plain = Files.writeString(dir.resolve("plain.tsv"), text);
        try (SegmentReader gz = SegmentReader.open(gzip("s.tsv.gz", text)); SegmentReader txt = SegmentReader.open(plain)) {
            assertEquals(rows(gz), rows(txt));
        }
        try (SegmentReader empty = SegmentReader.open(Files.write(dir.resolve("empty"), new byte[0]))) {
            assertEquals(List.of(), empty.columns());
            assertFalse(empty.next());
        }
    }

    /** Served a few bytes at a time, so that lines cross every buffer border. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + (int) (pos % 7919)));
            }
        };
    }

    @Test
    void longLinesAndLinesAcrossBuffersAreWhole() throws IOException {
        Random random = new Random(3);
        StringBuilder text = new StringBuilder("Date\tText\n");
        List<List<String>> expected = new ArrayList<>(List.of(List.of("Date", "Text")));
        for (int row = 0; row < 3000; row++) {
            char[] value = new char[row == 1500 ? 600_000 : random.nextInt(400)];
            Arrays.fill(value, (char) ('a' + row % 26));
            expected.add(List.of("2026-01-" + (10 + row % 20), new String(value)));
            text.append(expected.get(row + 1).get(0)).append('\t').append(value).append(row % 2 == 0 ? "\n" : "\r\n");
        }
        try (SegmentReader reader = new SegmentReader(trickle(text.toString().getBytes(StandardCharsets.UTF_8)))) {
            assertEquals(expected, rows(reader));
        }
    }

    @Test
    void aLineLongerThanTheLimitIsRefused() {
        byte[] huge = new byte[SegmentReader.MAX_LINE + 10];
        Arrays.fill(huge, (byte) 'x');
        IOException e = assertThrows(IOException.class, () -> rows(new SegmentReader(new ByteArrayInputStream(huge))));
        assertEquals("has a line longer than 8 MiB (line 1), which is not segment text", e.getMessage());
    }
}
