package io.github.ascanalyticssync.simulator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

import io.github.ascanalyticssync.simulator.Model.App;
import io.github.ascanalyticssync.simulator.Model.Instance;
import io.github.ascanalyticssync.simulator.Model.Segment;

/**
 * The bytes of segment files: gzip'd tab-separated text with a header row, generated row by row into any output
 * stream so that a segment of many gigabytes never sits in memory. {@code checksum} is the MD5 of the gzip bytes and
 * {@code sizeInBytes} their length, computed by generating the file once into a digest.
 */
public class SegmentFiles {

    private static final DateTimeFormatter COMPACT = DateTimeFormatter.BASIC_ISO_DATE;

    /** What the API announces for a segment. */
    public record FileMeta(String checksum, long sizeInBytes) {
    }

    private final World world;
    private final long seed;
    private final int level;
    private final Map<String, FileMeta> meta = new ConcurrentHashMap<>();
    private final Map<String, String> segmentByPath = new ConcurrentHashMap<>();

    public SegmentFiles(World world, SimulatorConfig config) {
        this.world = world;
        this.seed = config.data().seed();
        this.level = config.data().compressionLevel();
    }

    public FileMeta meta(Segment segment) {
        return meta.computeIfAbsent(segment.id(), id -> {
            try {
                MessageDigest md5 = MessageDigest.getInstance("MD5");
                CountingSink sink = new CountingSink();
                try (OutputStream out = new DigestOutputStream(sink, md5)) {
                    write(segment, out);
                }
                return new FileMeta(HexFormat.of().formatHex(md5.digest()), sink.count);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * The object key, laid out like Apple's: {@code /reports/<app>/<REPORT_KEY>/<GRANULARITY>/<ACCESS_TYPE>/<yyyymmdd>/<epochMillis>/<n>.csv.gz}.
     * Remembered so that the storage endpoint can resolve it.
     */
    public String storagePath(Segment segment) {
        Instance i = segment.instance();
        long millis = i.processingDate().atTime(LocalTime.of(6, 0)).toInstant(ZoneOffset.UTC).toEpochMilli()
                + Long.remainderUnsigned(Ids.number(seed, "millis", i.id()), 3_600_000L);
        String path = "/reports/" + i.report().request().appId() + "/" + i.report().type().storageKey() + "/"
                + i.granularity() + "/" + i.report().request().accessType() + "/" + COMPACT.format(i.processingDate())
                + "/" + millis + "/" + segment.index() + ".csv.gz";
        segmentByPath.put(path, segment.id());
        return path;
    }

    public String segmentIdAt(String path) {
        return segmentByPath.get(path);
    }

    /** Writes the gzip'd file; the caller closes {@code out}. */
    public void write(Segment segment, OutputStream out) throws IOException {
        OutputStream shield = new BufferedOutputStream(new NonClosing(out), 64 * 1024);
        GZIPOutputStream gzip = new GZIPOutputStream(shield, 64 * 1024) {
            {
                def.setLevel(level);
            }
        };
        Writer w = new OutputStreamWriter(gzip, StandardCharsets.UTF_8);
        Instance instance = segment.instance();
        List<String> columns = instance.report().type().columns();
        w.write(String.join("\t", columns));
        w.write('\n');
        App app = world.app(instance.report().request().appId()).orElseThrow();
        List<LocalDate> dates = world.dataDates(instance);
        Random random = new Random(Ids.number(seed, "content", segment.id()));
        StringBuilder line = new StringBuilder(256);
        for (long row = 0; row < segment.rows(); row++) {
            line.setLength(0);
            LocalDate date = dates.get((int) (row % dates.size()));
            for (int c = 0; c < columns.size(); c++) {
                if (c > 0) {
                    line.append('\t');
                }
                value(columns.get(c), date, app, random, line);
            }
            line.append('\n');
            w.append(line);
        }
        w.flush();
        gzip.finish();
        shield.flush();
    }

    private static final String[] DEVICES = { "iPhone", "iPad", "Mac", "Apple TV", "Apple Watch", "Apple Vision Pro" };
    private static final String[] TERRITORIES = { "US", "GB", "DE", "FR", "JP", "CA", "AU", "BR", "IN", "IT", "ES", "NL" };
    private static final String[] PLATFORM_VERSIONS = { "iOS 17.5", "iOS 18.1", "iOS 18.3", "iPadOS 18.2", "macOS 15.1", "visionOS 2.1" };
    private static final String[] SOURCE_TYPES = { "App Store search", "App Store browse", "App referrer", "Web referrer", "App Clip", "Notification", "Institutional purchase", "Unavailable" };
    private static final String[] PAGE_TYPES = { "Product page", "Store sheet", "No page", "Search", "Today" };
    private static final String[] DOWNLOAD_TYPES = { "First-time download", "Redownload", "Manual update", "Auto-update", "Restore" };
    private static final String[] EVENTS = { "Impression", "Page view", "Tap" };
    private static final String[] INSTALL_EVENTS = { "Install", "Delete" };

    private static void value(String column, LocalDate date, App app, Random random, StringBuilder out) {
        switch (column) {
            case "Date" -> out.append(date);
            case "App Name" -> out.append(app.name());
            case "App Apple Identifier" -> out.append(app.id());
            case "App Download Date" -> out.append(date.minusDays(random.nextInt(400)));
            case "Device" -> out.append(pick(DEVICES, random));
            case "Territory" -> out.append(pick(TERRITORIES, random));
            case "Platform Version" -> out.append(pick(PLATFORM_VERSIONS, random));
            case "Platform" -> out.append(random.nextBoolean() ? "iOS" : "iPadOS");
            case "Source Type" -> out.append(pick(SOURCE_TYPES, random));
            case "Page Type" -> out.append(pick(PAGE_TYPES, random));
            case "Download Type" -> out.append(pick(DOWNLOAD_TYPES, random));
            case "Event" -> out.append(pick(random.nextInt(4) == 0 ? INSTALL_EVENTS : EVENTS, random));
            case "Engagement Type" -> out.append(random.nextBoolean() ? "Direct" : "Indirect");
            case "App Version" -> out.append(1 + random.nextInt(3)).append('.').append(random.nextInt(10));
            case "Build" -> out.append(100 + random.nextInt(900));
            case "Release Type" -> out.append(random.nextInt(5) == 0 ? "TestFlight" : "App Store");
            case "Pre-Order" -> out.append(random.nextInt(10) == 0 ? "Yes" : "No");
            case "Purchase Type" -> out.append(random.nextBoolean() ? "In-App Purchase" : "Subscription");
            case "Payment Method" -> out.append(random.nextBoolean() ? "Credit Card" : "Apple Account Balance");
            case "Content Name" -> out.append("Content ").append(1 + random.nextInt(20));
            case "Content Apple Identifier" -> out.append(6_000_000_000L + random.nextInt(1_000_000));
            case "Source Info" -> out.append("source-").append(random.nextInt(50));
            case "Campaign" -> out.append(random.nextInt(3) == 0 ? "" : "campaign-" + random.nextInt(10));
            case "Page Title" -> out.append(random.nextInt(3) == 0 ? "" : "Page " + random.nextInt(10));
            case "Percentile" -> out.append(new int[] { 50, 90, 95, 99 }[random.nextInt(4)]);
            case "Proceeds In USD", "Sales In USD" -> out.append(String.format(Locale.ROOT, "%.2f", random.nextInt(100_000) / 100.0));
            default -> out.append(random.nextInt(5000));
        }
    }

    private static String pick(String[] values, Random random) {
        return values[random.nextInt(values.length)];
    }

    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
