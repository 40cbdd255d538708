package io.github.ascanalyticssync.simulator;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.simulator.Model.Segment;
import io.github.ascanalyticssync.simulator.SegmentFiles.FileMeta;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The object-storage endpoint segment URLs point at. It behaves like S3 with presigned URLs: no {@code Authorization}
 * header allowed (400), a checked signature (over the method too: a HEAD on a GET URL is 403) and expiry (403 with
 * S3's XML), single byte ranges (206, or 416 past the end), and files streamed as they are generated.
 */
public class StorageRoutes {

    private static final Logger LOG = Logger.getLogger(StorageRoutes.class);

    private final World world;
    private final SegmentFiles files;
    private final Presigner presigner;
    private final FaultPlan faults;
    private final CallLog log;

    public StorageRoutes(World world, SegmentFiles files, Presigner presigner, FaultPlan faults, CallLog log) {
        this.world = world;
        this.files = files;
        this.presigner = presigner;
        this.faults = faults;
        this.log = log;
    }

    void mount(Router router) {
        router.route().method(HttpMethod.GET).method(HttpMethod.HEAD).blockingHandler(this::serve, false);
        router.route().handler(ctx -> s3Error(ctx, 405, "MethodNotAllowed", "The specified method is not allowed against this resource."));
    }

    private void serve(RoutingContext ctx) {
        String path = ctx.request().path();
        if (ctx.request().getHeader("Authorization") != null) {
            s3Error(ctx, 400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
                    + "Signature query string parameter or the Authorization header should be specified");
            return;
        }
        var q = ctx.queryParams();
        switch (presigner.check(ctx.request().method().name(), path, q.get("X-Amz-Date"), q.get("X-Amz-Expires"), q.get("X-Amz-Signature"))) {
            case MISSING -> {
                s3Error(ctx, 403, "AccessDenied", "Access Denied");
                return;
            }
            case BAD_SIGNATURE -> {
                s3Error(ctx, 403, "SignatureDoesNotMatch",
                        "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
                return;
            }
            case EXPIRED -> {
                s3Error(ctx, 403, "AccessDenied", "Request has expired");
                return;
            }
            case VALID -> {
                if (faults.fire(s -> s.expire)) {
                    s3Error(ctx, 403, "AccessDenied", "Request has expired");
                    return;
                }
            }
        }
        String segmentId = files.segmentIdAt(path);
        Segment segment = segmentId == null ? null : world.segment(segmentId).orElse(null);
        if (segment == null) {
            s3Error(ctx, 404, "NoSuchKey", "The specified key does not exist.");
            return;
        }
        FileMeta meta = files.meta(segment);
        HttpServerResponse response = ctx.response();
        response.putHeader("Accept-Ranges", "bytes");
        ByteRange range = ctx.request().method() == HttpMethod.GET ? ByteRange.parse(ctx.request().getHeader("Range"), meta.sizeInBytes()) : null;
        if (range == ByteRange.UNSATISFIABLE) {
            response.putHeader("Content-Range", "bytes */" + meta.sizeInBytes());
            s3Error(ctx, 416, "InvalidRange", "The requested range is not satisfiable");
            return;
        }
        response.putHeader("Content-Type", "application/octet-stream");
        response.putHeader("ETag", "\"" + meta.checksum() + "\"");
        response.putHeader("x-amz-request-id", UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase());
        if (ctx.request().method() == HttpMethod.HEAD) {
            response.putHeader("Content-Length", Long.toString(meta.sizeInBytes())).end();
            return;
        }
        log.downloadStarted(segment.id());
        boolean reset = faults.fire(s -> s.reset);
        boolean truncate = !reset && faults.fire(s -> s.truncate);
        boolean corrupt = !reset && !truncate && faults.fire(s -> s.corrupt);
        long length = range == null ? meta.sizeInBytes() : range.length();
        if (range != null) {
            response.setStatusCode(206).putHeader("Content-Range", range.contentRange(meta.sizeInBytes()));
        }
        if (truncate) {
            response.setChunked(true); // the body simply ends early: only the size and checksum reveal it
        } else {
            response.putHeader("Content-Length", Long.toString(length));
        }
        long half = length / 2;
        FaultyStream faulty = new FaultyStream(new ResponseStream(response), reset || truncate ? half : -1, corrupt ? half : -1,
                faults.settings().bandwidthBytesPerSecond);
        OutputStream out = range == null ? faulty : new ByteRange.Slice(faulty, range);
        try {
            files.write(segment, out);
            out.flush();
        } catch (ByteRange.Slice.Done done) {
            // the range went out in full; the rest of the file is not generated
        } catch (FaultyStream.Cut cut) {
            if (reset) {
                ctx.request().connection().close(); // the server's SO_LINGER 0 makes this a TCP reset
            } else {
                response.end();
            }
            log.downloadFaulted(segment.id());
            return;
        } catch (IOException e) {
            LOG.debugf("Download of segment %s ended early: %s", segment.id(), e.getMessage());
            log.downloadFaulted(segment.id());
            ctx.request().connection().close();
            return;
        }
        response.end();
        if (corrupt) {
            log.downloadFaulted(segment.id());
        } else {
            log.downloadCompleted(segment.id());
        }
    }

    private static void s3Error(RoutingContext ctx, int status, String code, String message) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase()
                + "</RequestId><ServerTime>" + Instant.now() + "</ServerTime></Error>";
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/xml").end(xml);
    }

    /** A blocking OutputStream over a Vert.x response that waits while the write queue is full (back-pressure). */
    static final class ResponseStream extends OutputStream {
        private final HttpServerResponse response;
        private volatile boolean closed;

        ResponseStream(HttpServerResponse response) {
            this.response = response;
            response.closeHandler(v -> closed = true);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (response.writeQueueFull()) {
                if (closed) {
                    throw new IOException("client closed the connection");
                }
                CountDownLatch drained = new CountDownLatch(1);
                response.drainHandler(v -> drained.countDown());
                if (!response.writeQueueFull()) {
                    break;
                }
                try {
                    drained.await(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
            if (closed) {
                throw new IOException("client closed the connection");
            }
            response.write(Buffer.buffer().appendBytes(b, off, len));
        }
    }

    /** Applies download faults: stops at a byte offset, flips one byte, or caps the bandwidth. */
    static final class FaultyStream extends FilterOutputStream {
        static final class Cut extends IOException {
            Cut() {
                super("cut by an injected fault", null);
            }
        }

        private final long cutAt;
        private final long corruptAt;
        private final long bytesPerSecond;
        private final long started = System.nanoTime();
        private long written;

        FaultyStream(OutputStream out, long cutAt, long corruptAt, long bytesPerSecond) {
            super(out);
            this.cutAt = cutAt;
            this.corruptAt = corruptAt;
            this.bytesPerSecond = bytesPerSecond;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (cutAt >= 0 && written + len > cutAt) {
                int keep = (int) (cutAt - written);
                if (keep > 0) {
                    out.write(b, off, keep);
                }
                out.flush();
                throw new Cut();
            }
            if (corruptAt >= 0 && written <= corruptAt && corruptAt < written + len) {
                b = b.clone();
                b[off + (int) (corruptAt - written)] ^= (byte) 0xFF;
            }
            out.write(b, off, len);
            written += len;
            throttle();
        }

        private void throttle() throws IOException {
            if (bytesPerSecond <= 0) {
                return;
            }
            long due = started + written * 1_000_000_000L / bytesPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
        }
    }
}
