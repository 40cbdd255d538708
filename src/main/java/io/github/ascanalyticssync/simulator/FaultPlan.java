package io.github.ascanalyticssync.simulator;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The faults the simulator injects, all off by default. Read from {@code asc.simulator.faults.*} and replaced at run
 * time by {@code PUT /simulator/faults} with the same shape as {@link Settings}.
 */
public class FaultPlan {

    /** When one kind of fault fires. */
    @RegisterForReflection
    public static class Rule {
        public double probability;
        public int every;
        public int limit = -1;
        @JsonIgnore
        final AtomicLong eligible = new AtomicLong();
        @JsonIgnore
        final AtomicLong fired = new AtomicLong();

        public Rule() {
        }

        Rule(SimulatorFaults.Fault f) {
            this.probability = f.probability();
            this.every = f.every();
            this.limit = f.limit();
        }

        /** How often this fault fired (read-only, in the JSON as {@code injected}). */
        public long getInjected() {
            return fired.get();
        }

        boolean fire(Random random) {
            if (probability <= 0 && every <= 0) {
                return false;
            }
            long n = eligible.incrementAndGet();
            boolean hit = (every > 0 && n % every == 0) || (probability > 0 && random.nextDouble() < probability);
            if (!hit || (limit >= 0 && fired.get() >= limit)) {
                return false;
            }
            fired.incrementAndGet();
            return true;
        }
    }

    /** Every fault setting; the JSON body of {@code /simulator/faults}. */
    @RegisterForReflection
    public static class Settings {
        public Rule serverError = new Rule();
        public Rule unavailable = new Rule();
        public Rule rateLimitBurst = new Rule();
        public Rule malformedJson = new Rule();
        public Rule notAuthorized = new Rule();
        public Rule expire = new Rule();
        public long latencyFixedMs;
        public long latencyJitterMs;
        public Rule reset = new Rule();
        public Rule truncate = new Rule();
        public Rule corrupt = new Rule();
        public long bandwidthBytesPerSecond;
    }

    private final SimulatorFaults configured;
    private volatile Settings settings;
    private volatile Random random;

    public FaultPlan(SimulatorConfig config) {
        this.configured = config.faults();
        reset();
    }

    public final void reset() {
        Settings s = new Settings();
        s.serverError = new Rule(configured.serverError());
        s.unavailable = new Rule(configured.unavailable());
        s.rateLimitBurst = new Rule(configured.rateLimitBurst());
        s.malformedJson = new Rule(configured.malformedJson());
        s.notAuthorized = new Rule(configured.notAuthorized());
        s.expire = new Rule(configured.expire());
        s.latencyFixedMs = configured.latencyFixedMs();
        s.latencyJitterMs = configured.latencyJitterMs();
        s.reset = new Rule(configured.reset());
        s.truncate = new Rule(configured.truncate());
        s.corrupt = new Rule(configured.corrupt());
        s.bandwidthBytesPerSecond = configured.bandwidthBytesPerSecond();
        replace(s);
    }

    public void replace(Settings s) {
        this.random = new Random(configured.seed());
        this.settings = s;
    }

    public Settings settings() {
        return settings;
    }

    public synchronized boolean fire(java.util.function.Function<Settings, Rule> kind) {
        return kind.apply(settings).fire(random);
    }

    /** Milliseconds to delay an API call by: the fixed part plus a uniform jitter. */
    public synchronized long latencyMillis() {
        Settings s = settings;
        return s.latencyFixedMs + (s.latencyJitterMs > 0 ? (long) (random.nextDouble() * s.latencyJitterMs) : 0);
    }
}
