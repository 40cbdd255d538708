package io.github.ascanalyticssync.segment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which hosts a segment may come from, and how a verified file is read for its manifest. */
class SegmentDownloaderTest {

    @TempDir
    Path dir;

    private SegmentDownloader downloader(String simulator) {
        return new SegmentDownloader(dir, List.of("*.amazonaws.com", "reports.example.org"), simulator, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void onlyAllowedHostsOverHttpsAreFetched() {
        SegmentDownloader d = downloader(null);
        assertDoesNotThrow(() -> d.checkAllowed(URI.create("https://asp-us-west-2.s3.us-west-2.amazonaws.com/reports/1/x.csv.gz?X-Amz-Signature=a")));
        assertDoesNotThrow(() -> d.checkAllowed(URI.create("https://reports.example.org/x")));
        for (String refused : List.of("http://asp-us-west-2.s3.us-west-2.amazonaws.com/x", "https://amazonaws.com.evil.example/x",
                "https://evilamazonaws.com/x", "https://api.appstoreconnect.apple.com/v1/x", "https://sub.reports.example.org/x",
                "file:///etc/passwd")) {
            var e = assertThrows(SegmentDownloadException.ForbiddenHost.class, () -> d.checkAllowed(URI.create(refused)), refused);
            assertFalse(e.getMessage().contains("X-Amz"), "the message carries no query");
        }
    }

    @Test
    void theLocalSimulatorIsAllowedOverPlainHttpOnItsOwnPort() {
        SegmentDownloader d = downloader("http://127.0.0.1:8092");
        assertDoesNotThrow(() -> d.checkAllowed(URI.create("http://127.0.0.1:8092/reports/1/x.csv.gz")));
        assertThrows(SegmentDownloadException.ForbiddenHost.class, () -> d.checkAllowed(URI.create("http://127.0.0.1:8080/reports/1/x.csv.gz")));
    }

    private Path gzip(String text) throws Exception {
        Path file = dir.resolve("s.tsv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    @Test
    void factsToleratesBomCrlfCommasAndEmptyFiles() throws Exception {
        SegmentFacts tsv = SegmentDownloader.facts("s", "c", gzip("\uFEFFApp Name\tDate\tCounts\r\nA\t2026-03-04\t1\r\nA\t2026-03-02\t2\r\n\r\n"));
        assertEquals(2, tsv.rows());
        assertEquals("2026-03-02", tsv.firstDate());
        assertEquals("2026-03-04", tsv.lastDate());
        SegmentFacts csv = SegmentDownloader.facts("s", "c", gzip("\"Date\",\"Count\"\n\"2026-01-01\",3\n"));
        assertEquals(1, csv.rows());
        assertEquals("2026-01-01", csv.firstDate());
        SegmentFacts headerOnly = SegmentDownloader.facts("s", "c", gzip("Date\tCounts\n"));
        assertEquals(0, headerOnly.rows());
        assertNull(headerOnly.firstDate());
        Path plain = Files.writeString(dir.resolve("plain.tsv"), "Date\tCounts\n2026-02-01\t5\n");
        assertEquals(1, SegmentDownloader.facts("s", "c", plain).rows(), "a file that is not gzip is read as text");
        assertTrue(SegmentDownloader.facts("s", "c", gzip("")).rows() == 0);
    }
}
