package io.github.ascanalyticssync.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.simulator.Model.Segment;
import io.github.ascanalyticssync.simulator.SegmentFiles.FileMeta;
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
}
