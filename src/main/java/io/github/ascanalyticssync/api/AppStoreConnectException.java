package io.github.ascanalyticssync.api;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An App Store Connect API call that did not succeed. The subclasses tell the routes' error handling what to do:
 * retry with back-off ({@link Retryable}), mint a new token once ({@link NotAuthorized}), or give up.
 */
@RegisterForReflection
public class AppStoreConnectException extends RuntimeException {

    private final int status;
    private final String code;
    private final String endpoint;

    public AppStoreConnectException(String endpoint, int status, String code, String detail) {
        super(endpoint + " answered " + status + (code == null ? "" : " " + code) + (detail == null ? "" : ": " + detail));
        this.status = status;
        this.code = code;
        this.endpoint = endpoint;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String endpoint() {
        return endpoint;
    }

    /** 429, 5xx, a broken connection or an unreadable body: worth another try after a pause. */
    @RegisterForReflection
    public static class Retryable extends AppStoreConnectException {
        private final Long retryAfterSeconds;

        public Retryable(String endpoint, int status, String code, String detail, Long retryAfterSeconds) {
            super(endpoint, status, code, detail);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public Long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /**
     * 429: Apple asks to slow down. Not a failure of the call: it gets more tries than other retryable errors
     * (asc.sync.rate-limit.retries), after the rate budget's pause (Retry-After when sent).
     */
    @RegisterForReflection
    public static class RateLimited extends Retryable {
        public RateLimited(String endpoint, String code, String detail, Long retryAfterSeconds) {
            super(endpoint, 429, code, detail, retryAfterSeconds);
        }
    }

    /**
     * No call was made: the key's quota is used up for longer than the run may wait, a 429 came again after the
     * pause, or the application is stopping. A 429 of our own making, so that the same error handling takes it (an
     * exception of another type raised while Camel redelivers a 429 would not be): not retried, what is left goes to
     * the next run.
     */
    @RegisterForReflection
    public static class QuotaExhausted extends RateLimited {
        private final Instant resumeAt;
        private final boolean stopping;

        public QuotaExhausted(String key, String why, Instant resumeAt, boolean stopping) {
            super("rate budget of key " + key, stopping ? "STOPPING" : "QUOTA_USED_UP", why, null);
            this.resumeAt = resumeAt;
            this.stopping = stopping;
        }

        /** When the quota returns, or null when unknown or now. */
        public Instant resumeAt() {
            return resumeAt;
        }

        public boolean stopping() {
            return stopping;
        }
    }

    /** 401: the token was refused; the issuer has already dropped it, so one more try uses a new one. */
    @RegisterForReflection
    public static class NotAuthorized extends AppStoreConnectException {
        public NotAuthorized(String endpoint, String code, String detail) {
            super(endpoint, 401, code, detail);
        }
    }
}
