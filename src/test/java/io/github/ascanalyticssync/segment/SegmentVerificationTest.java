package io.github.ascanalyticssync.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * A segment counts as verified only when its size and MD5 match the listing AND its gzip data decompresses to the
 * end with a header row. The bodies are served by a small HTTP server on a free port, announced with their true size
 * and MD5, as a listing would describe a damaged file.
 */
class SegmentVerificationTest {

    @TempDir
    Path staging;

    private HttpServer server;
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private SegmentDownloader downloader;

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = bodies.get(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        server.start();
        downloader = new SegmentDownloader(staging, List.of("*.amazonaws.com"), "http://127.0.0.1:" + server.getAddress().getPort(),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private SegmentDownloader.Staged download(String id, byte[] body) throws Exception {
        bodies.put("/" + id + ".csv.gz", body);
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/" + id + ".csv.gz?X-Amz-Signature=abc";
        return downloader.download(id, url, body.length, md5(body));
    }

    private static String md5(byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static byte[] large;

    /** About 2 MiB of gzip: many chunks, rows across chunk and buffer borders, Dates out of order. */
    private static synchronized byte[] largeSegment() throws Exception {
        if (large == null) {
            Random random = new Random(42);
            StringBuilder text = new StringBuilder("App Name\tDate\tTerritory\tCounts\n");
            for (int row = 0; row < 300_000; row++) {
                int day = 1 + random.nextInt(28);
                text.append("App ").append(random.nextInt(1000)).append("\t2026-02-").append(day < 10 ? "0" : "").append(day)
                        .append(random.nextBoolean() ? "\tUS\t" : "\tGB\t").append(random.nextLong()).append('\n');
                if (row % 1000 == 0) {
                    text.append('\n'); // an empty line, not a row
                }
            }
            large = gzip(text.toString());
        }
        return large.clone();
    }

    private void assertRefused(String id, byte[] body, String problem) {
        SegmentDownloadException e = assertThrows(SegmentDownloadException.class, () -> download(id, body));
        assertTrue(e.getMessage().startsWith("Segment " + id + " ") && e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().endsWith("although its size and checksum match the listing"), e.getMessage());
        assertFalse(e.getMessage().contains("X-Amz"), "the message carries no query");
        assertFalse(e.urlExpired());
        assertFalse(Files.exists(downloader.staged(id)), "nothing staged for a segment that did not verify");
        assertEquals(List.of(), leftovers(), "no partial file left");
    }

    private List<Path> leftovers() {
        try (Stream<Path> files = Files.list(staging)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aGoodSegmentIsStagedByteForByteWithTheFactsThatASeparateReadFinds() throws Exception {
        byte[] body = largeSegment();
        SegmentDownloader.Staged staged = download("good", body);
        assertArrayEquals(body, Files.readAllBytes(staged.file()));
        assertEquals(downloader.staged("good"), staged.file());

        long rows = 0;
        String first = null;
        String last = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(staged.file())),
                StandardCharsets.UTF_8))) {
            int date = Arrays.asList(reader.readLine().split("\t")).indexOf("Date");
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isEmpty()) {
                    rows++;
                    String d = line.split("\t")[date];
                    first = first == null || d.compareTo(first) < 0 ? d : first;
                    last = last == null || d.compareTo(last) > 0 ? d : last;
                }
            }
        }
        assertEquals(new SegmentFacts("good", md5(body), body.length, rows, first, last), staged.facts());
        assertEquals(300_000, staged.facts().rows());
        assertTrue(body.length > 8 * SegmentCheck.CHUNK, "more chunks than the queue holds: " + body.length);
    }

    @Test
    void aBodyThatIsNotGzipIsRefused() {
        assertRefused("plain", "Date\tCounts\n2026-03-01\t5\n".getBytes(StandardCharsets.UTF_8), "is not gzip (it starts with bytes 44 61, not 1f 8b)");
        assertRefused("xml", "<?xml version=\"1.0\"?><Error/>".getBytes(StandardCharsets.UTF_8), "is not gzip");
    }

    @Test
    void aTruncatedGzipIsRefused() throws Exception {
        byte[] whole = largeSegment();
        assertRefused("half", Arrays.copyOf(whole, whole.length / 2), "ends early: its gzip data is truncated");
        assertRefused("no-trailer", Arrays.copyOf(whole, whole.length - 4), "ends early: its gzip data is truncated");
    }

    @Test
    void aCorruptGzipWhoseChecksumMatchesItsListingIsRefused() throws Exception {
        byte[] corrupt = largeSegment();
        corrupt[corrupt.length / 2] ^= 0x55;
        SegmentDownloadException e = assertThrows(SegmentDownloadException.class, () -> download("corrupt", corrupt));
        assertTrue(e.getMessage().matches("Segment corrupt (has corrupt gzip data near compressed byte \\d+ \\(.+\\)|fails the CRC-32 check of gzip member 1 \\(corrupt data\\)), although its size and checksum match the listing"),
                e.getMessage());

        byte[] badCrc = gzip("Date\tCounts\n2026-03-01\t5\n");
        badCrc[badCrc.length - 6] ^= 0x01;
        assertRefused("bad-crc", badCrc, "fails the CRC-32 check of gzip member 1");
    }

    @Test
    void bytesAfterTheGzipDataAreRefused() throws Exception {
        byte[] gz = gzip("Date\tCounts\n2026-03-01\t5\n");
        byte[] trailing = Arrays.copyOf(gz, gz.length + 16);
        assertRefused("trailing", trailing, "has bytes after its gzip data that are not gzip (from compressed byte " + gz.length + " on)");
    }

    @Test
    void aGzipWithoutAHeaderRowIsRefused() throws Exception {
        assertRefused("empty", gzip(""), "decompresses to nothing: it has no header row");
        assertRefused("blank-first-line", gzip("\nDate\tCounts\n2026-03-01\t5\n"), "does not start with a header row");
        byte[] binary = new byte[4096];
        new Random(1).nextBytes(binary);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(binary);
        }
        assertRefused("binary", gz.toByteArray(), "does not start with a header row");
    }

    @Test
    void severalGzipMembersAndOptionalHeaderFieldsAreRead() throws Exception {
        byte[] one = gzip("Date\tCounts\n2026-03-02\t5\n");
        byte[] two = gzip("2026-03-01\t7\n");
        // the second member names its original file (FNAME), as the gzip command writes it
        byte[] named = new byte[two.length + 6];
        System.arraycopy(two, 0, named, 0, 10);
        named[3] = 8;
        System.arraycopy("x.tsv\0".getBytes(StandardCharsets.US_ASCII), 0, named, 10, 6);
        System.arraycopy(two, 10, named, 16, two.length - 10);
        byte[] body = new byte[one.length + named.length];
        System.arraycopy(one, 0, body, 0, one.length);
        System.arraycopy(named, 0, body, one.length, named.length);
        SegmentFacts facts = download("members", body).facts();
        assertEquals(2, facts.rows());
        assertEquals("2026-03-01", facts.firstDate());
        assertEquals("2026-03-02", facts.lastDate());
    }

    @Test
    void aSizeOrChecksumMismatchIsStillReportedAsSuch() throws Exception {
        byte[] body = gzip("Date\tCounts\n2026-03-01\t5\n");
        bodies.put("/s.csv.gz", body);
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/s.csv.gz";
        SegmentDownloadException wrongSum = assertThrows(SegmentDownloadException.class,
                () -> downloader.download("s", url, body.length, "0123456789abcdef0123456789abcdef"));
        assertTrue(wrongSum.getMessage().contains("does not match the announced 0123456789abcdef0123456789abcdef"), wrongSum.getMessage());
        SegmentDownloadException wrongSize = assertThrows(SegmentDownloadException.class,
                () -> downloader.download("s", url, body.length + 10, md5(body)));
        assertTrue(wrongSize.getMessage().contains("received " + body.length + " bytes, sizeInBytes says " + (body.length + 10)),
                wrongSize.getMessage());
        assertEquals(List.of(), leftovers());
    }
}
