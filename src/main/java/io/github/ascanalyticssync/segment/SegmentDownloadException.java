package io.github.ascanalyticssync.segment;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A segment download that did not yield the announced bytes: a checksum or size mismatch, a broken or truncated
 * transfer, an expired URL. Retried with back-off; an expired URL is replaced before the next try. Messages name the
 * host and path, never the presigned query.
 */
@RegisterForReflection
public class SegmentDownloadException extends RuntimeException {

    private final boolean urlExpired;

    public SegmentDownloadException(String message, boolean urlExpired) {
        super(message);
        this.urlExpired = urlExpired;
    }

    public boolean urlExpired() {
        return urlExpired;
    }

    /** A URL the sync refuses to fetch (a host outside the allowed list, or not https): never retried. */
    @RegisterForReflection
    public static class ForbiddenHost extends io.github.ascanalyticssync.api.ApiValues.Refused {
        public ForbiddenHost(String message) {
            super(message);
        }
    }
}
