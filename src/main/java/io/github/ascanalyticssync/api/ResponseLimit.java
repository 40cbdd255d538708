package io.github.ascanalyticssync.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;
import org.apache.hc.core5.http.protocol.HttpContext;

import io.github.ascanalyticssync.config.SyncConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The largest App Store Connect answer the sync reads ({@code asc.api.max-response-size}): Apple's pages are a few KB,
 * so a body beyond it comes from a broken proxy or a hostile server. Checked as the bytes arrive, on the Camel HTTP
 * client of routes/asc-api.yaml (endpoint option {@code httpClientConfigurer}): a Content-Length over the limit is
 * refused before the body is read, and a body without one (chunked) is cut off at the limit; the connection is then
 * dropped, not drained (nor kept leased in the pool). Content compression is off: the bytes counted here are the bytes
 * that reach the sync, so a small compressed body cannot expand past the limit further out; Apple's pages are small
 * enough not to need it. {@link ApiCall#tooLarge} turns {@link TooLarge} into one final error naming the endpoint.
 */
@RegisterForReflection
@ApplicationScoped
@Named("apiResponseLimit")
public class ResponseLimit implements HttpClientConfigurer {

    /**
     * The body is over the limit; its message is the whole sentence the sync says. An IOException, so that Camel HTTP
     * passes it on as the call's failure.
     */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        private final int status;

        /** announced: the Content-Length that was refused; -1 when the body was cut off as it arrived. */
        TooLarge(int status, long announced, long max) {
            super("refused: " + (announced >= 0
                    ? "the answer announces " + announced + " bytes, more than asc.api.max-response-size (" + max + " bytes) allows"
                    : "the answer runs past asc.api.max-response-size (" + max + " bytes)") + "; App Store Connect's pages are a few KB, so"
                    + " a proxy or server in between is broken (check asc.api.base-url), or raise asc.api.max-response-size"
                    + " (ASC_API_MAX_RESPONSE_SIZE)");
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final long max;

    @Inject
    public ResponseLimit(SyncConfig config) {
        this.max = config.api().maxResponseSize().asLongValue();
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        // no Accept-Encoding and no decompression: a gzip body would be counted compressed and expand past the limit
        builder.disableContentCompression();
        // HttpClient's own retry (one more try of a request that failed with an IOException) would ask for the flood
        // again; everything else it retries as before
        builder.setRetryStrategy(new DefaultHttpRequestRetryStrategy() {
            @Override
            public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
                return !(exception instanceof TooLarge) && super.retryRequest(request, exception, execCount, context);
            }
        });
        builder.addResponseInterceptorLast((response, details, context) -> {
            if (details != null && details.getContentLength() > max) {
                throw new TooLarge(response.getCode(), details.getContentLength(), max);
            }
            if (response instanceof ClassicHttpResponse classic && classic.getEntity() != null) {
                classic.setEntity(new Limited(classic.getEntity(), max, response.getCode()));
            }
        });
    }

    /** The entity whose stream fails past the limit, and then closes without reading the rest. */
    static final class Limited extends HttpEntityWrapper {
        private final long max;
        private final int status;
        private volatile boolean exceeded;

        Limited(HttpEntity wrapped, long max, int status) {
            super(wrapped);
            this.max = max;
            this.status = status;
        }

        @Override
        public InputStream getContent() throws IOException {
            return new FilterInputStream(super.getContent()) {
                private long count;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        counted(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        counted(n);
                    }
                    return n;
                }

                private void counted(int n) throws IOException {
                    count += n;
                    if (count > max) {
                        exceeded = true;
                        // HttpClient's stream of the response: abort() closes the connection and takes it out of the
                        // pool, which neither reading on (the flood) nor Camel HTTP (it consumes the entity only when
                        // the call fails, which close() below then skips) would do
                        if (in instanceof EofSensorInputStream response) {
                            response.abort();
                        }
                        throw new TooLarge(status, -1, max);
                    }
                }

                @Override
                public void close() throws IOException {
                    if (!exceeded) {
                        super.close(); // reads the rest, so that the connection is reused
                    }
                }
            };
        }

        @Override
        public void writeTo(java.io.OutputStream out) throws IOException {
            try (InputStream in = getContent()) {
                in.transferTo(out);
            }
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public void close() throws IOException {
            if (!exceeded) {
                super.close();
            }
        }
    }
}
