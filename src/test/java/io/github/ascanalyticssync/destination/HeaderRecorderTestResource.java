package io.github.ascanalyticssync.destination;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An HTTP server in the test JVM that takes every upload and records what came with it: the path and every header.
 * src/test/routes/header-recorder.yaml makes it a destination, as any HTTP sink would be wired.
 */
public class HeaderRecorderTestResource implements QuarkusTestResourceLifecycleManager {

    /** One upload: its method, path and headers (names as sent, values joined). */
    record Request(String method, String path, Map<String, List<String>> headers, long bytes) {
    }

    static final List<Request> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("The recording HTTP server did not start", e);
        }
        server.createContext("/", exchange -> {
            long bytes;
            try (InputStream body = exchange.getRequestBody()) {
                bytes = body.transferTo(java.io.OutputStream.nullOutputStream());
            }
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), Map.copyOf(exchange.getRequestHeaders()),
                    bytes));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        server.start();
        return Map.of("asc.test.recorder.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/upload");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
