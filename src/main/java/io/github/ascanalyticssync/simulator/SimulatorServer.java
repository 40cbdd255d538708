package io.github.ascanalyticssync.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The simulator's two servers on loopback: the App Store Connect API (with the {@code /simulator} control API beside
 * it) and the object storage that serves segment files.
 */
final class SimulatorServer {

    private final SimulatorConfig config;
    private final Vertx vertx;
    private final Endpoints endpoints;
    private HttpServer apiServer;
    private HttpServer storageServer;

    SimulatorServer(SimulatorConfig config, Vertx vertx, Endpoints endpoints) {
        this.config = config;
        this.vertx = vertx;
        this.endpoints = endpoints;
    }

    /** Binds both servers; the storage first, since every presigned URL the API mints names its address. */
    void start(ApiRoutes api, AdminRoutes admin, StorageRoutes storage) {
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
                .end(Buffer.buffer(api.errorBody(ApiError.pathNotFound()))));
        apiServer = listen(new HttpServerOptions(), apiRouter, config.apiPort(), "asc.simulator.api-port");
        endpoints.bound("http://" + host + ":" + apiServer.actualPort(), storageBase);
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

    void stop() {
        for (HttpServer s : new HttpServer[] { apiServer, storageServer }) {
            if (s != null) {
                s.close().toCompletionStage().toCompletableFuture().join();
            }
        }
        apiServer = null;
        storageServer = null;
    }
}
