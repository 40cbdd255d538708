package io.github.ascanalyticssync.simulator;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** A blocking OutputStream over a Vert.x response that waits while the write queue is full (back-pressure). */
final class ResponseStream extends OutputStream {
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
