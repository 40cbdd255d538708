package io.github.ascanalyticssync.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

import io.github.ascanalyticssync.config.SyncConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The largest App Store Connect answer the sync reads ({@code asc.api.max-response-size}): Apple's pages are a few KB,
 * so a body beyond it comes from a broken proxy or a hostile server. Checked as the bytes arrive, on the Camel HTTP
 * client of routes/asc-api.yaml (endpoint option {@code httpClientConfigurer}): a Content-Length over the limit is
 * refused before the body is read, and a body without one (chunked) is cut off at the limit; the connection is then
 * dropped, not drained. {@link ApiCall#unreachable} turns {@link TooLarge} into one final error naming the endpoint.
 */
@RegisterForReflection
@ApplicationScoped
@Named("apiResponseLimit")
public class ResponseLimit implements HttpClientConfigurer {

    /** The body is over the limit. An IOException, so that Camel HTTP passes it on as the call's failure. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        private final int status;
        private final long announced;

        TooLarge(int status, long announced) {
            super(announced >= 0 ? "the answer announces " + announced + " bytes" : "the answer runs past the limit");
            this.status = status;
            this.announced = announced;
        }

        public int status() {
            return status;
        }

        /** The Content-Length that was refused; -1 when the body was cut off as it arrived. */
        public long announced() {
            return announced;
        }
    }

    private final long max;

    @Inject
    public ResponseLimit(SyncConfig config) {
        this.max = config.api().maxResponseSize().asLongValue();
    }

    public long max() {
        return max;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addResponseInterceptorLast((response, details, context) -> {
            if (details != null && details.getContentLength() > max) {
                throw new TooLarge(response.getCode(), details.getContentLength());
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
                        throw new TooLarge(status, -1);
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
