package io.github.ascanalyticssync.simulator;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Injected faults, all off by default. Each can also be changed at run time through {@code /simulator/faults}. */
// registered for reflection as SimulatorConfig is: the unknown-setting check walks the groups, also in a native image
@io.quarkus.runtime.annotations.RegisterForReflection
public interface SimulatorFaults {
    /** Seed of the random draws that decide probabilistic faults. */
    @WithDefault("7")
    long seed();

    @WithName("server-error")
    Fault serverError();

    @WithName("unavailable")
    Fault unavailable();

    @WithName("rate-limit-burst")
    Fault rateLimitBurst();

    @WithName("malformed-json")
    Fault malformedJson();

    /** 401 NOT_AUTHORIZED for a valid token, as when Apple rejects a token it issued nothing wrong with. */
    @WithName("not-authorized")
    Fault notAuthorized();

    /** 403 "Request has expired" on a download whose URL is still valid. */
    @WithName("expire")
    Fault expire();

    /** Latency added to every API call: a fixed part plus a uniform random jitter. */
    @WithDefault("0")
    long latencyFixedMs();

    @WithDefault("0")
    long latencyJitterMs();

    @WithName("reset")
    Fault reset();

    @WithName("truncate")
    Fault truncate();

    @WithName("corrupt")
    Fault corrupt();

    /** Download bandwidth cap in bytes per second; 0 means none. */
    @WithDefault("0")
    long bandwidthBytesPerSecond();

    /** When a fault fires: with a probability, on every n-th eligible call, at most a number of times. */
    interface Fault {
        @WithDefault("0")
        double probability();

        /** Fire on every n-th eligible call (1 = every call); 0 means no schedule. */
        @WithDefault("0")
        int every();

        /** Stop after this many injections; negative means no limit. */
        @WithDefault("-1")
        int limit();
    }
}
