package io.github.ascanalyticssync.sync;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.restassured.path.json.JsonPath;

import io.github.ascanalyticssync.run.SyncRun;

/** The sync test harness for tests in other packages. */
public final class SyncTestAccess {

    private SyncTestAccess() {
    }

    public static void freshStart() {
        SyncHarness.freshStart();
    }

    public static SyncRun.Summary sync() {
        return SyncHarness.sync();
    }

    public static JsonPath catalogue(Map<String, ?> filter) {
        return SyncHarness.catalogue(filter);
    }

    public static long downloads() {
        return SyncHarness.downloads();
    }

    public static void assertDeliveredExactly(List<Map<String, Object>> segments) {
        SyncHarness.assertDeliveredExactly(segments);
    }

    public static Path localFile(Map<String, Object> segment) {
        return SyncHarness.segmentFile(segment);
    }
}
