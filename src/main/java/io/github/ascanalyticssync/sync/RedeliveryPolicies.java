package io.github.ascanalyticssync.sync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

/**
 * The redelivery policies routes/error-handling.yaml refers to ({@code redeliveryPolicyRef}), built from
 * configuration: exponential back-off with jitter, capped at a minute.
 */
@ApplicationScoped
public class RedeliveryPolicies {

    @Produces
    @Singleton
    @Named("apiRedelivery")
    RedeliveryPolicy api(SyncConfig config) {
        return backOff(config.sync().apiRetries(), config.sync().retryDelayMs());
    }

    @Produces
    @Singleton
    @Named("rateLimitRedelivery")
    RedeliveryPolicy rateLimit(SyncConfig config) {
        return backOff(config.sync().rateLimit().retries(), config.sync().retryDelayMs());
    }

    @Produces
    @Singleton
    @Named("downloadRedelivery")
    RedeliveryPolicy download(SyncConfig config) {
        return backOff(config.sync().download().retries(), config.sync().retryDelayMs());
    }

    @Produces
    @Singleton
    @Named("deliveryRedelivery")
    RedeliveryPolicy delivery(SyncConfig config) {
        return backOff(config.destinations().retries(), config.sync().retryDelayMs());
    }

    static RedeliveryPolicy backOff(int retries, long firstDelayMs) {
        RedeliveryPolicy p = new RedeliveryPolicy();
        p.setMaximumRedeliveries(retries);
        p.setRedeliveryDelay(firstDelayMs);
        p.setUseExponentialBackOff(true);
        p.setBackOffMultiplier(2);
        p.setUseCollisionAvoidance(true);
        p.setMaximumRedeliveryDelay(60_000);
        p.setLogRetryAttempted(true);
        p.setRetryAttemptedLogLevel(LoggingLevel.WARN);
        p.setLogStackTrace(false);
        p.setLogRetryStackTrace(false);
        return p;
    }
}
