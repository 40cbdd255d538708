package io.github.ascanalyticssync.simulator;

/** The base URLs the simulator's two servers answer on, known once they are bound. */
public class Endpoints {

    private volatile String apiBaseUrl;
    private volatile String storageBaseUrl;

    /** {@code http://127.0.0.1:<port>}: the App Store Connect API base (paths {@code /v1/...}). */
    public String apiBaseUrl() {
        return apiBaseUrl;
    }

    /** The object-storage base written into presigned segment URLs. */
    public String storageBaseUrl() {
        return storageBaseUrl;
    }

    void bound(String api, String storage) {
        this.apiBaseUrl = api;
        this.storageBaseUrl = storage;
    }
}
