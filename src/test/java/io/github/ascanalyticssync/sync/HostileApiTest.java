package io.github.ascanalyticssync.sync;

import static io.github.ascanalyticssync.sync.FakeAppStoreConnect.APP;
import static io.github.ascanalyticssync.sync.FakeAppStoreConnect.REPORT;
import static io.github.ascanalyticssync.sync.FakeAppStoreConnect.REPORT_NAME;
import static io.github.ascanalyticssync.sync.FakeAppStoreConnect.addInstance;
import static io.github.ascanalyticssync.sync.FakeAppStoreConnect.daysAgo;
import static io.github.ascanalyticssync.sync.FakeAppStoreConnect.lists;
import static io.github.ascanalyticssync.sync.FakeAppStoreConnect.replies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

import jakarta.enterprise.inject.spi.CDI;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.ascanalyticssync.destination.Layout;
import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.run.SyncRun;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A hostile or broken App Store Connect (a fake server in this JVM): HTML and non-JSON bodies, lists of the wrong
 * shape or size, ids and dates that are paths, missing or malformed segment fields, links that loop or leave the host,
 * redirects. For each: one ERROR line naming the problem (no stack trace), the sync counts it as not delivered (exit 1
 * in one-shot mode), the rest of the walk goes on, nothing delivered before is lost or altered, and nothing is written
 * outside the state folder and the destination folder.
 */
@QuarkusTest
@TestProfile(HostileApiTest.FakeApi.class)
class HostileApiTest {

    /** Holds the configured folders (root/state, root/reports) and what a hostile path would reach beside them. */
    static final Path TOP = Path.of("target/hostile-api").toAbsolutePath();
    static final Path ROOT = TOP.resolve("root");
    static final Path STATE = ROOT.resolve("state");
    static final Path REPORTS = ROOT.resolve("reports");
    static final Path ESCAPE = Path.of("/tmp/x");

    public static class FakeApi implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("asc.state.dir", STATE.toString(), "asc.destinations.local.path", REPORTS.toString(), "asc.sync.page-limit", "10",
                    "asc.sync.parallel-reports", "1");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeAppStoreConnect.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** One hostile answer: what the fake serves after a good first sync, the line expected, whether a good sibling still arrives. */
    record Case(String name, Runnable serve, String line, boolean siblingDelivered) {
    }

    static final String SEGMENTS_B = "/v1/analyticsReportInstances/inst-b/segments";
    static final String INSTANCES = "/v1/analyticsReports/" + REPORT + "/instances";

    static final List<Case> CASES = List.of(
            segment("segment id escaping to /tmp", s -> s.put("id", "/../../../../tmp/x/escape-id"),
                    "App Store Connect sent a segment id that is not an id: '/../../../../tmp/x/escape-id' (instance inst-b, report '"
                            + REPORT_NAME + "', app " + APP + "); the segment is skipped"),
            segment("segment id escaping the state folder", s -> s.put("id", "../../../escape-id"), "segment id that is not an id: '../../../escape-id'"),
            segment("segment id with a line break", s -> s.put("id", "seg\nFAKE ERROR line"), "segment id that is not an id: 'seg\\nFAKE ERROR line'"),
            segment("sizeInBytes missing", s -> attributes(s).remove("sizeInBytes"), "sent a segment without sizeInBytes"),
            segment("sizeInBytes negative", s -> attributes(s).put("sizeInBytes", -5), "segment sizeInBytes that is not a size in bytes: '-5'"),
            segment("checksum missing", s -> attributes(s).remove("checksum"), "sent a segment without checksum"),
            segment("checksum not hex", s -> attributes(s).put("checksum", "zz-not-a-digest"), "segment checksum that is not an MD5 checksum"),
            segment("url missing", s -> attributes(s).remove("url"), "sent a segment without url"),
            segment("url not http", s -> attributes(s).put("url", "file:///etc/passwd"), "segment url that is not an http(s) URL: 'file:///etc/passwd'"),
            segment("url to a foreign host", s -> attributes(s).put("url", "https://evil.example.com/x.gz"),
                    "Segment seg-b2 is skipped: a segment URL points at evil.example.com, which is not in asc.sync.download.allowed-hosts"),
            segment("storage redirects to itself", s -> {
                attributes(s).put("url", FakeAppStoreConnect.base + "/storage/loop");
                replies.put("/storage/loop", u -> new FakeAppStoreConnect.Reply(302, "text/plain", new byte[0], FakeAppStoreConnect.base + "/storage/loop"));
            }, "/storage/loop answered 302"),
            instance("processing date escaping", i -> attributes(i).put("processingDate", "../../../escape-date"),
                    "instance processingDate that is not a date (yyyy-MM-dd): '../../../escape-date'"),
            instance("processing date that does not exist", i -> attributes(i).put("processingDate", "2026-02-30"),
                    "instance processingDate that is not a date (yyyy-MM-dd): '2026-02-30'"),
            instance("instance id escaping", i -> i.put("id", "../../inst"), "instance id that is not an id: '../../inst'"),
            instance("granularity escaping", i -> attributes(i).put("granularity", "DAILY/../../x"), "instance granularity that is not a granularity"),
            report("report id escaping", r -> r.put("id", "../../rep"), "report id that is not an id: '../../rep'"),
            report("report name with control characters", r -> attributes(r).put("name", "\u0000../x"), "report name that is not a report name: '\\u0000../x'"),
            report("report name without a letter", r -> attributes(r).put("name", "../.."), "report name that is not a report name: '../..'"),
            report("category escaping", r -> attributes(r).put("category", "../C"), "report category that is not a category: '../C'"),
            new Case("request access type escaping", () -> attributes(lists.get("/v1/apps/" + APP + "/analyticsReportRequests").get(0))
                    .put("accessType", "../ONGOING"), "report request accessType that is not an access type: '../ONGOING' (app " + APP
                            + "); the app is skipped in this sync", false),
            new Case("app id escaping", () -> {
                lists.get("/v1/apps").add(FakeAppStoreConnect.resource("apps", "../../app", Map.of()));
                addInstance("inst-b", "DAILY", daysAgo(1), "seg-b1");
            }, "App Store Connect sent an app id that is not an id: '../../app' (the list of apps); the app is skipped", true),
            listing("an HTML page", u -> FakeAppStoreConnect.Reply.text(200, "text/html", "<html><body>Service Unavailable</body></html>"),
                    "GET /v1/analyticsReportInstances/{id}/segments answered 200 MALFORMED_RESPONSE: the body is not a JSON:API document"),
            listing("a body that is not JSON", u -> FakeAppStoreConnect.Reply.text(200, "application/json", "{\"data\": [ oops"),
                    "GET /v1/analyticsReportInstances/{id}/segments answered 200 MALFORMED_RESPONSE"),
            listing("JSON of another shape", u -> FakeAppStoreConnect.Reply.json(Map.of("hello", "world")),
                    "The listing GET /v1/analyticsReportInstances/{id}/segments (instance inst-b, report '" + REPORT_NAME + "', app " + APP
                            + ") stopped: its answer is not a JSON:API list (no data member)"),
            listing("more items than the page size", u -> {
                List<Map<String, Object>> many = new ArrayList<>();
                for (int i = 0; i < 11; i++) {
                    many.add(FakeAppStoreConnect.segment("seg-many-" + i));
                }
                return FakeAppStoreConnect.page(u, many, null, null);
            }, "a page holds 11 items, more than the 10 asked for"),
            listing("a redirect to itself", u -> new FakeAppStoreConnect.Reply(302, "text/html", new byte[0], FakeAppStoreConnect.base + u),
                    "GET /v1/analyticsReportInstances/{id}/segments answered 302"),
            new Case("links.next to the same page", () -> {
                addInstance("inst-b", "DAILY", daysAgo(1), "seg-b1");
                replies.put(INSTANCES, u -> FakeAppStoreConnect.page(u, lists.get(INSTANCES), FakeAppStoreConnect.base + u, null));
            }, "The listing GET /v1/analyticsReports/{id}/instances (report '" + REPORT_NAME + "', app " + APP
                    + ") stopped: links.next points at a page already seen", false),
            new Case("more pages than meta.paging.total allows", () -> {
                addInstance("inst-b", "DAILY", daysAgo(1), "seg-b1");
                replies.put(INSTANCES, u -> {
                    String q = u.getRawQuery() == null ? "" : u.getRawQuery();
                    int n = q.contains("cursor=") ? Integer.parseInt(q.replaceAll(".*cursor=(\\d+).*", "$1")) : 0;
                    return FakeAppStoreConnect.page(u, lists.get(INSTANCES), FakeAppStoreConnect.base + INSTANCES + "?limit=10&cursor=" + (n + 1), 2);
                });
            }, "stopped: links.next leads beyond the 3 page(s) its meta.paging.total of 2 allows", true),
            new Case("links.next to another host", () -> {
                addInstance("inst-b", "DAILY", daysAgo(1), "seg-b1");
                replies.put(INSTANCES, u -> FakeAppStoreConnect.page(u, lists.get(INSTANCES), "https://evil.example.com" + INSTANCES + "?cursor=2", null));
            }, "stopped: links.next points at another host (evil.example.com); the API token is never sent there", false));

    static final ConcurrentLinkedQueue<LogRecord> logged = new ConcurrentLinkedQueue<>();
    static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void captureTheLog() {
        java.util.logging.Logger.getLogger("").addHandler(CAPTURE);
    }

    @AfterAll
    static void stopCapturing() {
        java.util.logging.Logger.getLogger("").removeHandler(CAPTURE);
    }

    @Test
    void everyHostileAnswerIsRefusedWithOneLineAndNothingElseSuffers() throws IOException {
        List<String> failures = new ArrayList<>();
        for (Case c : CASES) {
            try {
                run(c);
            } catch (AssertionError | RuntimeException e) {
                failures.add(c.name() + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), failures, failures.size() + " of " + CASES.size() + " cases failed");
    }

    /**
     * Apple documents at least one segment per instance (the simulator's default dataset holds none without); an
     * instance listed with none is still completed, with a manifest that lists no segment, and never fetched again.
     */
    @Test
    void anInstanceWithoutSegmentsIsCompletedWithAnEmptyManifest() throws IOException {
        freshStart();
        addInstance("inst-e", "DAILY", daysAgo(1));
        SyncRun.Summary summary = SyncHarness.sync();
        assertTrue(summary.complete(), summary.problems().toString());
        Path manifest = REPORTS.resolve(Layout.instanceDir(APP, "ONGOING", REPORT_NAME, "DAILY", daysAgo(1))).resolve(Layout.MANIFEST);
        assertTrue(Files.readString(manifest).matches("(?s).*\"segments\"\\s*:\\s*\\[\\s*\\].*"), Files.readString(manifest));
        FakeAppStoreConnect.requests.clear();
        SyncHarness.sync();
        assertFalse(FakeAppStoreConnect.requests.stream().anyMatch(r -> r.contains("inst-e/segments")), "not listed again");
    }

    private void run(Case c) throws IOException {
        freshStart();
        SyncRun.Summary first = SyncHarness.sync();
        assertTrue(first.complete(), "the good first sync: " + first.problems());
        Map<Path, String> delivered = snapshot(REPORTS);
        assertEquals(3, delivered.size(), "two segments and a manifest: " + delivered.keySet());
        List<Path> before = files(TOP);
        boolean escapedBefore = escaped();

        c.serve().run();
        logged.clear();
        FakeAppStoreConnect.requests.clear();
        SyncRun.Summary summary;
        try {
            summary = java.util.concurrent.CompletableFuture.supplyAsync(SyncHarness::sync).get(90, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            List<String> asked = List.copyOf(FakeAppStoreConnect.requests);
            throw new AssertionError("the sync did not end within 90 s (" + e + "); " + asked.size() + " requests, the last: "
                    + asked.subList(Math.max(0, asked.size() - 5), asked.size()));
        }

        assertFalse(summary.complete(), "the sync counts it as not delivered");
        List<String> errors = logged.stream().filter(r -> r.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(HostileApiTest::text).toList();
        assertEquals(1, errors.stream().filter(l -> l.contains(c.line())).count(), "one ERROR line with '" + c.line() + "' in " + errors);
        List<String> traces = logged.stream().filter(r -> r.getThrown() != null && r.getLevel().intValue() >= java.util.logging.Level.INFO.intValue())
                .map(r -> text(r) + " / " + r.getThrown()).toList();
        assertEquals(List.of(), traces, "no stack trace");
        Map<Path, String> after = snapshot(REPORTS);
        delivered.forEach((file, md5) -> assertEquals(md5, after.get(file), "delivered before and unchanged: " + file));
        if (c.siblingDelivered()) {
            Path sibling = REPORTS.resolve(Layout.segmentFile(Layout.instanceDir(APP, "ONGOING", REPORT_NAME, "DAILY", daysAgo(1)), "seg-b1"));
            assertTrue(Files.exists(sibling), "the rest goes on: " + sibling);
        }
        List<Path> outside = files(TOP).stream().filter(p -> !before.contains(p)).filter(p -> !p.startsWith(STATE) && !p.startsWith(REPORTS)).toList();
        assertEquals(List.of(), outside, "nothing written outside the state and destination folders");
        assertEquals(escapedBefore, escaped(), "nothing written under " + ESCAPE);
    }

    private static Case segment(String name, Consumer<Map<String, Object>> spoil, String line) {
        return new Case(name, () -> {
            List<Map<String, Object>> segments = addInstance("inst-b", "DAILY", daysAgo(1), "seg-b1");
            Map<String, Object> bad = FakeAppStoreConnect.segment("seg-b2");
            spoil.accept(bad);
            segments.add(bad);
        }, line, true);
    }

    private static Case instance(String name, Consumer<Map<String, Object>> spoil, String line) {
        return new Case(name, () -> {
            addInstance("inst-b", "DAILY", daysAgo(1), "seg-b1");
            addInstance("inst-bad", "DAILY", daysAgo(1), "seg-bad1");
            List<Map<String, Object>> instances = lists.get(INSTANCES);
            spoil.accept(instances.get(instances.size() - 1));
        }, line, true);
    }

    private static Case report(String name, Consumer<Map<String, Object>> spoil, String line) {
        return new Case(name, () -> {
            addInstance("inst-b", "DAILY", daysAgo(1), "seg-b1");
            Map<String, Object> bad = FakeAppStoreConnect.report("rep-2", "App Sessions Standard", "APP_USAGE");
            spoil.accept(bad);
            lists.get("/v1/analyticsReportRequests/" + FakeAppStoreConnect.REQUEST + "/reports").add(bad);
        }, line, true);
    }

    /** The segments listing of a new instance answers so. */
    private static Case listing(String name, java.util.function.Function<java.net.URI, FakeAppStoreConnect.Reply> reply, String line) {
        return new Case(name, () -> {
            addInstance("inst-b", "DAILY", daysAgo(1), "seg-b1");
            replies.put(SEGMENTS_B, reply);
        }, line, false);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> attributes(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("attributes");
    }

    static String text(LogRecord r) {
        return r instanceof ExtLogRecord e ? e.getFormattedMessage() : r.getMessage();
    }

    /** A fresh start: the fake's catalogue, empty ledgers and state, no delivered files. */
    static void freshStart() {
        FakeAppStoreConnect.reset();
        SyncHarness.ledger("deliveryLedger").clear();
        SyncHarness.ledger("instanceLedger").clear();
        CDI.current().select(StateStore.class).get().clear();
        TestFiles.deleteTree(REPORTS);
        TestFiles.deleteTree(STATE.resolve("staging"));
        TestFiles.deleteTree(STATE.resolve("segments"));
    }

    static boolean escaped() {
        try (Stream<Path> s = Files.exists(ESCAPE) ? Files.list(ESCAPE) : Stream.empty()) {
            return s.anyMatch(p -> p.getFileName().toString().contains("escape"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> files(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    static Map<Path, String> snapshot(Path root) throws IOException {
        Map<Path, String> out = new TreeMap<>();
        for (Path p : files(root)) {
            if (!p.getFileName().toString().startsWith(".")) {
                out.put(p, TestFiles.md5(p));
            }
        }
        return out;
    }
}
