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
        Rows rows = new Rows(columns, app, instance.report().type().minUsers(), new Random(Ids.number(seed, "content", segment.id())));
        StringBuilder line = new StringBuilder(256);
        for (long row = 0; row < segment.rows(); row++) {
            line.setLength(0);
            rows.append(dates.get((int) (row % dates.size())), line);
            line.append('\n');
            w.append(line);
        }
        w.flush();
        gzip.finish();
        shield.flush();
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
