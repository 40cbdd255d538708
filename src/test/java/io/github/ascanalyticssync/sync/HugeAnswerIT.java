package io.github.ascanalyticssync.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.github.ascanalyticssync.AppProcess;
import io.github.ascanalyticssync.simulator.Simulator;

/**
 * A broken proxy between the sync and App Store Connect (here: in front of the simulator) answers a report's
 * instances with a 300 MB page, with or without Content-Length. The packaged application (256 MiB of heap) refuses
 * it in one line naming the endpoint and asc.api.max-response-size, asks for it once (a flood is not worth another
 * try), stops reading it (most of the 300 MB is never sent), and the one-shot run ends with exit 1 (not delivered).
 */
class HugeAnswerIT {

    private static final long HUGE = 300L << 20;

    @TempDir
    Path work;

    /** The proxy: passes every call to the simulator (its links rewritten to itself), except the instances pages. */
    static final class BrokenProxy implements AutoCloseable {
        final HttpServer server;
        final HttpClient client = HttpClient.newHttpClient();
        final String target;
        final boolean announced;
        final AtomicLong sent = new AtomicLong();
        /** How often each instances path was flooded. */
        final Map<String, AtomicInteger> floods = new ConcurrentHashMap<>();

        BrokenProxy(String target, boolean announced) throws IOException {
            this.target = target;
            this.announced = announced;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange http) throws IOException {
            try (http) {
                String path = http.getRequestURI().getRawPath();
                if (path.matches("/v1/analyticsReports/[^/]+/instances")) {
                    floods.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    flood(http);
                    return;
                }
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + http.getRequestURI()));
                byte[] body = http.getRequestBody().readAllBytes();
                b.method(http.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
                for (String h : List.of("Authorization", "Accept", "Content-Type")) {
                    String v = http.getRequestHeaders().getFirst(h);
                    if (v != null) {
                        b.header(h, v);
                    }
                }
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                byte[] out = r.body().replace(target, url()).getBytes(StandardCharsets.UTF_8);
                r.headers().firstValue("Content-Type").ifPresent(v -> http.getResponseHeaders().set("Content-Type", v));
                r.headers().firstValue("X-Rate-Limit").ifPresent(v -> http.getResponseHeaders().set("X-Rate-Limit", v));
                http.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
                http.getResponseBody().write(out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** 300 MB of a JSON:API page, generated as it goes out; stops when the client hangs up. */
        private void flood(HttpExchange http) throws IOException {
            http.getResponseHeaders().set("Content-Type", "application/json");
            http.sendResponseHeaders(200, announced ? HUGE : 0);
            byte[] item = "{\"type\":\"analyticsReportInstances\",\"id\":\"x\",\"attributes\":{\"granularity\":\"DAILY\"}},"
                    .getBytes(StandardCharsets.UTF_8);
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = item[i % item.length];
            }
            OutputStream out = http.getResponseBody();
            out.write("{\"data\":[".getBytes(StandardCharsets.UTF_8));
            long written = 9;
            try {
                while (written < HUGE) {
                    int n = (int) Math.min(chunk.length, HUGE - written);
                    out.write(chunk, 0, n);
                    written += n;
                    sent.addAndGet(n);
                }
            } catch (IOException e) {
                // the client hung up: what a refusal looks like from here
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void aHugeChunkedInstancesPageIsRefusedInOneLineAndTheRunEndsWith1() throws Exception {
        refused(false);
    }

    @Test
    void aHugeAnnouncedInstancesPageIsRefusedInOneLineAndTheRunEndsWith1() throws Exception {
        refused(true);
    }

    private void refused(boolean announced) throws Exception {
        try (Simulator simulator = Simulator.start(Map.of("asc.simulator.api-port", "0", "asc.simulator.storage-port", "0",
                "asc.simulator.data.apps", "1", "asc.simulator.data.today", "2026-03-06"));
                BrokenProxy proxy = new BrokenProxy(simulator.apiBaseUrl(), announced)) {
            // the environment for what application.properties reads from it; the rest as system properties
            Map<String, String> props = new HashMap<>();
            props.put("asc.sync.download.simulator-storage-url", simulator.storageBaseUrl());
            props.put("quarkus.http.port", "0");
            Map<String, String> env = new HashMap<>();
            env.put("ASC_API_BASE_URL", proxy.url());
            props.put("asc.api.issuer-id", "69a6de70-03db-47e3-e053-5b8c7c11a4d1");
            props.put("asc.api.key-id", "DEMOKEY001");
            props.put("asc.api.private-key-path", Path.of("src/main/resources/simulator/demo/AuthKey_DEMOKEY001.p8").toAbsolutePath().toString());
            env.put("ASC_SYNC_MODE", "one-shot");
            props.put("asc.sync.categories", "COMMERCE");
            env.put("ASC_STATE_DIR", work.resolve("state").toString());
            props.put("asc.destinations.local.path", work.resolve("reports").toString());
            AppProcess.Running run = AppProcess.start(List.of("-Xmx256m"), props, env, work);
            assertTrue(run.process().waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "the run ended: " + run.output());
            String out = run.output();
            assertEquals(1, run.process().exitValue(), out);
            List<String> refused = out.lines().filter(l -> l.contains("RESPONSE_TOO_LARGE")).toList();
            assertFalse(refused.isEmpty(), out);
            assertTrue(refused.get(0).contains("GET /v1/analyticsReports/{id}/instances answered 200 RESPONSE_TOO_LARGE: refused: the answer "
                    + (announced ? "announces " + HUGE + " bytes, more than asc.api.max-response-size (8388608 bytes) allows"
                            : "runs past asc.api.max-response-size (8388608 bytes)")), refused.get(0));
            assertTrue(out.contains("One-shot sync done, exiting with 1"), out);
            assertFalse(out.contains("OutOfMemoryError"), out);
            assertFalse(out.contains("\tat "), "no stack trace: " + out);
            // no retry of a refused flood: each report's instances asked once, and no line about another try
            assertFalse(proxy.floods.isEmpty(), out);
            proxy.floods.forEach((path, n) -> assertEquals(1, n.get(), path + " asked " + n.get() + " times: " + out));
            assertTrue(out.lines().noneMatch(l -> l.contains("trying again")), out);
            // and the refused bodies were not read to their end
            assertTrue(proxy.sent.get() < HUGE * proxy.floods.size() / 2, "most of the flood was never sent: " + proxy.sent.get() + " bytes for "
                    + proxy.floods.size() + " refusal(s)");
        }
    }
}
