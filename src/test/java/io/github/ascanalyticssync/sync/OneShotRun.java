package io.github.ascanalyticssync.sync;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.github.ascanalyticssync.simulator.Simulator;

/**
 * A small one-shot run of the packaged application against a simulator: a dataset of a few segments (each report's
 * first instance a day old, one segment each, none empty) and a selection of one report (App Crashes, daily), so that
 * a run takes seconds.
 */
final class OneShotRun {

    private OneShotRun() {
    }

    /** The simulator's settings of the small dataset on free ports; the apps (and anything else) in {@code more}. */
    static Map<String, String> simulatorSettings(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>();
        settings.put("asc.simulator.api-port", "0");
        settings.put("asc.simulator.storage-port", "0");
        settings.put("asc.simulator.data.today", "2026-03-06");
        settings.put("asc.simulator.data.seed-ongoing-age-days", "1");
        settings.put("asc.simulator.lifecycle.first-instance-max-days", "1");
        settings.put("asc.simulator.data.max-segments-per-instance", "1");
        settings.put("asc.simulator.data.empty-instance-ratio", "0");
        settings.putAll(more);
        return settings;
    }

    /** The run's settings as properties: the simulator's URLs, one-shot, App Crashes daily, state and reports in work. */
    static Map<String, String> properties(Simulator simulator, Path work) {
        Map<String, String> p = new HashMap<>();
        p.put("asc.api.base-url", simulator.apiBaseUrl());
        p.put("asc.sync.download.simulator-storage-url", simulator.storageBaseUrl());
        p.put("asc.sync.mode", "one-shot");
        p.put("asc.sync.report-names", "App Crashes");
        p.put("asc.sync.granularities", "DAILY");
        p.put("asc.state.dir", work.resolve("state").toString());
        p.put("asc.destinations.local.path", work.resolve("reports").toString());
        return p;
    }

    /** The same settings as the environment variables a user sets (the README's names). */
    static Map<String, String> environment(Simulator simulator, Path work) {
        Map<String, String> env = new HashMap<>();
        env.put("ASC_API_BASE_URL", simulator.apiBaseUrl());
        env.put("ASC_SYNC_DOWNLOAD_SIMULATOR_STORAGE_URL", simulator.storageBaseUrl());
        env.put("ASC_SYNC_MODE", "one-shot");
        env.put("ASC_SYNC_REPORT_NAMES", "App Crashes");
        env.put("ASC_GRANULARITIES", "DAILY");
        env.put("ASC_STATE_DIR", work.resolve("state").toString());
        env.put("ASC_LOCAL_PATH", work.resolve("reports").toString());
        return env;
    }
}
