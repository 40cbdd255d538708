package io.github.ascanalyticssync.simulator;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * Starts the simulator's two servers on loopback when {@code asc.simulator.enabled} is true: the App Store Connect
 * API (with the {@code /simulator} control API beside it) and the object storage that serves segment files.
 */
@Singleton
public class SimulatorServer {

    private static final Logger LOG = Logger.getLogger(SimulatorServer.class);

    private final SimulatorConfig config;
    private final Vertx vertx;
    private final ApiRoutes api;
    private final AdminRoutes admin;
    private final StorageRoutes storage;
    private final Endpoints endpoints;
    private HttpServer apiServer;
    private HttpServer storageServer;

    @Inject
    public SimulatorServer(SimulatorConfig config, Vertx vertx, ApiRoutes api, AdminRoutes admin, StorageRoutes storage, Endpoints endpoints) {
        this.config = config;
        this.vertx = vertx;
        this.api = api;
        this.admin = admin;
        this.storage = storage;
        this.endpoints = endpoints;
    }

    /** Before any other start-up observer: the sync's start-up check may already call the simulator. */
    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (config.enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        if (apiServer != null) {
            return;
        }
        Router storageRouter = Router.router(vertx);
        storage.mount(storageRouter);
        // SO_LINGER 0: closing a connection mid-body (the reset fault) sends a TCP reset, as a broken peer would.
        storageServer = listen(new HttpServerOptions().setSoLinger(0), storageRouter, config.storagePort(), "asc.simulator.storage-port");
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        String storageBase = config.storage().publicBaseUrl().orElse("http://" + host + ":" + storageServer.actualPort());
        Router apiRouter = Router.router(vertx);
        admin.mount(apiRouter);
        api.mount(apiRouter);
        apiRouter.route().handler(ctx -> ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                .end(io.vertx.core.buffer.Buffer.buffer(api.errorBody(ApiError.pathNotFound()))));
        apiServer = listen(new HttpServerOptions(), apiRouter, config.apiPort(), "asc.simulator.api-port");
        endpoints.bound("http://" + host + ":" + apiServer.actualPort(), storageBase);
        LOG.infof("App Store Connect simulator: API at %s, segment storage at %s, control API at %s/simulator",
                endpoints.apiBaseUrl(), endpoints.storageBaseUrl(), endpoints.apiBaseUrl());
    }

    private HttpServer listen(HttpServerOptions options, Router router, int port, String setting) {
        try {
            return vertx.createHttpServer(options.setHost(config.host()).setPort(port)).requestHandler(router)
                    .listen().toCompletionStage().toCompletableFuture().get();
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("The App Store Connect simulator cannot listen on " + config.host() + ":" + port
                    + " (" + cause.getMessage() + "); free the port or change " + setting, cause);
        }
    }

    synchronized void stop() {
        for (HttpServer s : new HttpServer[] { apiServer, storageServer }) {
            if (s != null) {
                s.close();
            }
        }
        apiServer = null;
        storageServer = null;
    }
}
