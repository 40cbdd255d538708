package io.github.ascanalyticssync.segment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Downloads a segment from its presigned URL into the staging folder, streaming: the bytes go to a temporary file
 * through an MD5 digest, then size and checksum are checked, and only a verified file is renamed into place. The API
 * token is never sent; only allowed hosts are fetched, over https (plain http only for the local simulator).
 */
public class SegmentDownloader {

    private static final int BUFFER = 64 * 1024;

    private final Path staging;
    private final List<String> allowedHosts;
    private final String simulatorStorage;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    /**
     * @param simulatorStorage the simulator's storage base URL ({@code http://127.0.0.1:8092}) when it runs here, else null
     */
    public SegmentDownloader(Path staging, List<String> allowedHosts, String simulatorStorage, Duration connectTimeout, Duration readTimeout) {
        this.staging = staging;
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
        this.simulatorStorage = simulatorStorage;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** The staged, verified file of a segment, if an earlier run left one. */
    public Path staged(String segmentId) {
        return staging.resolve(segmentId + ".tsv.gz");
    }

    /** Downloads and verifies; returns the staged file. */
    public Path download(String segmentId, String url, long sizeInBytes, String checksum) throws IOException {
        URI uri = URI.create(url);
        checkAllowed(uri);
        Files.createDirectories(staging);
        Path target = staged(segmentId);
        Path partial = staging.resolve("." + segmentId + ".part");
        String where = uri.getHost() + uri.getPath();
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        boolean complete = false;
        connection.setConnectTimeout((int) connectTimeout.toMillis());
        connection.setReadTimeout((int) readTimeout.toMillis());
        connection.setInstanceFollowRedirects(false);
        connection.setRequestProperty("Accept-Encoding", "identity");
        try {
            int status = connection.getResponseCode();
            if (status == 403) {
                throw new SegmentDownloadException("Segment " + segmentId + ": " + where + " refused the download (403): the URL expired", true);
            }
            if (status != 200) {
                throw new SegmentDownloadException("Segment " + segmentId + ": " + where + " answered " + status, false);
            }
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            long received = 0;
            try (InputStream in = new DigestInputStream(connection.getInputStream(), md5);
                    OutputStream out = Files.newOutputStream(partial)) {
                byte[] buffer = new byte[BUFFER];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                    received += n;
                    if (received > sizeInBytes) {
                        throw new SegmentDownloadException("Segment " + segmentId + ": more bytes than the announced " + sizeInBytes, false);
                    }
                }
            } catch (IOException e) {
                throw new SegmentDownloadException("Segment " + segmentId + ": the transfer from " + where + " broke after " + received
                        + " of " + sizeInBytes + " bytes (" + e.getClass().getSimpleName() + ")", false);
            }
            if (received != sizeInBytes) {
                throw new SegmentDownloadException("Segment " + segmentId + ": received " + received + " bytes, sizeInBytes says " + sizeInBytes, false);
            }
            String actual = HexFormat.of().formatHex(md5.digest());
            if (!actual.equalsIgnoreCase(checksum)) {
                throw new SegmentDownloadException("Segment " + segmentId + ": checksum " + actual + " does not match the announced " + checksum, false);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            complete = true;
            return target;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new SegmentDownloadException("Segment " + segmentId + ": " + where + " could not be reached (" + e.getClass().getSimpleName() + ")", false);
        } finally {
            if (!complete) {
                // a broken or unread response must not be handed back to the keep-alive pool
                connection.disconnect();
            }
            Files.deleteIfExists(partial);
        }
    }

    void checkAllowed(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (simulatorStorage != null) {
            URI sim = URI.create(simulatorStorage);
            if (host.equalsIgnoreCase(sim.getHost()) && uri.getPort() == sim.getPort() && "http".equalsIgnoreCase(uri.getScheme())) {
                return;
            }
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new SegmentDownloadException.ForbiddenHost("A segment URL for " + host + " is not https; it is not fetched");
        }
        for (String pattern : allowedHosts) {
            if (pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) : host.equals(pattern)) {
                return;
            }
        }
        throw new SegmentDownloadException.ForbiddenHost("A segment URL points at " + host
                + ", which is not in asc.sync.download.allowed-hosts " + allowedHosts + "; it is not fetched");
    }

    /**
     * Reads a verified segment once: its data rows and the smallest and largest {@code Date}. Tolerates a UTF-8 BOM,
     * CRLF and a comma header, and a file that is plain text rather than gzip.
     */
    public static SegmentFacts facts(String segmentId, String checksum, Path file) throws IOException {
        long size = Files.size(file);
        try {
            return read(segmentId, checksum, size, new GZIPInputStream(Files.newInputStream(file), BUFFER));
        } catch (ZipException notGzip) {
            return read(segmentId, checksum, size, Files.newInputStream(file));
        }
    }

    private static SegmentFacts read(String segmentId, String checksum, long size, InputStream in) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), BUFFER)) {
            String header = reader.readLine();
            if (header == null) {
                return new SegmentFacts(segmentId, checksum, size, 0, null, null);
            }
            if (header.startsWith("\uFEFF")) {
                header = header.substring(1);
            }
            String delimiter = header.contains("\t") ? "\t" : ",";
            int dateColumn = -1;
            String[] names = header.split(delimiter, -1);
            for (int i = 0; i < names.length; i++) {
                if (names[i].trim().replace("\"", "").equalsIgnoreCase("Date")) {
                    dateColumn = i;
                }
            }
            long rows = 0;
            String first = null;
            String last = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isEmpty()) {
                    continue;
                }
                rows++;
                if (dateColumn >= 0) {
                    String[] fields = line.split(delimiter, -1);
                    if (fields.length > dateColumn) {
                        String d = fields[dateColumn].trim().replace("\"", "");
                        if (first == null || d.compareTo(first) < 0) {
                            first = d;
                        }
                        if (last == null || d.compareTo(last) > 0) {
                            last = d;
                        }
                    }
                }
            }
            return new SegmentFacts(segmentId, checksum, size, rows, first, last);
        }
    }
}
