package io.github.ascanalyticssync.segment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which hosts a segment may come from. */
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
}
