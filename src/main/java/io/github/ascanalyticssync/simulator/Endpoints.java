package io.github.ascanalyticssync.simulator;

import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** The base URLs the simulator's two servers answer on, known once they are bound. */
@Singleton
@Named("simulatorEndpoints")
public class Endpoints {

    private final java.util.concurrent.CountDownLatch bound = new java.util.concurrent.CountDownLatch(1);
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
        bound.countDown();
    }

    /** Waits until the simulator's servers are listening (they start with the application). */
    public boolean awaitBound(java.time.Duration timeout) {
        try {
            return bound.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
