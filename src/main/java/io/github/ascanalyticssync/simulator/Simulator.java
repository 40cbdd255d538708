package io.github.ascanalyticssync.simulator;

import java.time.Duration;
import java.util.Map;

import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;

/**
 * The App Store Connect simulator, started without CDI: {@code Simulator.start(Map.of("asc.simulator.api-port", "0"))}
 * binds its API and storage servers on loopback, on a Vert.x of its own, and answers until {@link #close()}. The
 * settings are the {@code asc.simulator.*} keys of {@link SimulatorConfig}; what is not given comes from the
 * environment ({@code ASC_SIMULATOR_DATA_APPS=1}) or keeps its default, and the demo key (DEMOKEY001, an Admin key
 * whose .p8 ships in {@code simulator/demo}) is always known.
 */
public final class Simulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Simulator.class);

    /** Defaults beside the ones {@link SimulatorConfig} declares: the demo key, as application.properties had it. */
    private static final Map<String, String> DEFAULTS = Map.of(
            "asc.simulator.keys.DEMOKEY001.role", "ADMIN",
            "asc.simulator.keys.DEMOKEY001.public-key", "classpath:simulator/demo/AuthKey_DEMOKEY001.pub.pem",
            "asc.simulator.keys.DEMOKEY001.private-key", "classpath:simulator/demo/AuthKey_DEMOKEY001.p8");

    private final Vertx vertx;
    private final SimulatorServer server;
    private final Endpoints endpoints;
    private final World world;
    private final SegmentFiles files;

    private Simulator(Vertx vertx, SimulatorServer server, Endpoints endpoints, World world, SegmentFiles files) {
        this.vertx = vertx;
        this.server = server;
        this.endpoints = endpoints;
        this.world = world;
        this.files = files;
    }

    /** Starts a simulator with these {@code asc.simulator.*} settings (port 0 picks a free port). */
    public static Simulator start(Map<String, String> settings) {
        SimulatorConfig config = config(settings);
        ReportCatalogue catalogue = new ReportCatalogue();
        SimulatorClock clock = new SimulatorClock(config);
        World world = new World(config, clock, catalogue);
        SegmentFiles files = new SegmentFiles(world, config);
        Endpoints endpoints = new Endpoints();
        Presigner presigner = new Presigner(endpoints, config);
        Authenticator authenticator = new Authenticator(config);
        RateLimiter rateLimiter = new RateLimiter(config);
        FaultPlan faults = new FaultPlan(config);
        CallLog log = new CallLog();
        ApiRoutes api = new ApiRoutes(world, files, presigner, authenticator, rateLimiter, faults, log, endpoints, config, clock);
        AdminRoutes admin = new AdminRoutes(world, clock, files, presigner, faults, rateLimiter, log, authenticator, endpoints, config);
        StorageRoutes storage = new StorageRoutes(world, files, presigner, faults, log);

        // no file cache on disk: the simulator serves no files from the class path, and root file systems may be read-only
        Vertx vertx = Vertx.vertx(new VertxOptions().setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                .setClassPathResolvingEnabled(false)));
        SimulatorServer server = new SimulatorServer(config, vertx, endpoints);
        try {
            server.start(api, admin, storage);
        } catch (RuntimeException e) {
            server.stop();
            vertx.close();
            throw e;
        }
        LOG.infof("App Store Connect simulator: API at %s, segment storage at %s, control API at %s/simulator",
                endpoints.apiBaseUrl(), endpoints.storageBaseUrl(), endpoints.apiBaseUrl());
        return new Simulator(vertx, server, endpoints, world, files);
    }

    /**
     * The settings over the environment over the defaults, read by SmallRye Config into {@link SimulatorConfig}
     * (durations as {@code 1h}, {@code 2s}, as in the application).
     */
    static SimulatorConfig config(Map<String, String> settings) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(SimulatorConfig.class, "asc.simulator")
                .withDefaultValues(DEFAULTS).withSources(new PropertiesConfigSource(settings, "simulator settings", 100))
                .withSources(new EnvConfigSource(System.getenv(), 50))
                .withConverter(Duration.class, 200, new DurationConverter()).build();
        return config.getConfigMapping(SimulatorConfig.class, "asc.simulator");
    }

    /** {@code http://127.0.0.1:<port>}: the App Store Connect API (paths {@code /v1/...}) and the control API ({@code /simulator}). */
    public String apiBaseUrl() {
        return endpoints.apiBaseUrl();
    }

    /** The object storage's base URL, as written into presigned segment URLs. */
    public String storageBaseUrl() {
        return endpoints.storageBaseUrl();
    }

    World world() {
        return world;
    }

    SegmentFiles segmentFiles() {
        return files;
    }

    /** Stops both servers and the simulator's Vert.x. */
    @Override
    public void close() {
        server.stop();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
