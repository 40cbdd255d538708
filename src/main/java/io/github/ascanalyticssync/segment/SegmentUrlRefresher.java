package io.github.ascanalyticssync.segment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.ApiValues;
import io.github.ascanalyticssync.api.AscApi;
import io.github.ascanalyticssync.api.JsonApi;

/**
 * Runs before each new try of a failed segment download (the route's {@code onRedelivery}): says so in one line
 * (RetryLog), and when the presigned URL
 * expired, {@code GET /v1/analyticsReportSegments/{id}} mints a fresh one.
 */
@ApplicationScoped
@Named("segmentUrlRefresher")
public class SegmentUrlRefresher implements Processor {

    @Inject
    AscApi api;

    @Inject
    ApiValues values;

    @Override
    public void process(Exchange exchange) {
        io.github.ascanalyticssync.segment.RetryLog.log(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (!(cause instanceof SegmentDownloadException failure) || !failure.urlExpired()) {
            return;
        }
        refresh(exchange);
    }

    /**
     * The segment's URL (with its size and checksum) from {@code GET /v1/analyticsReportSegments/{id}}: for an
     * expired one, and for a segment taken from a held manifest (no URL) whose copy could not be used.
     */
    public void refresh(Exchange exchange) {
        JsonApi.Document answer = api.get(exchange.getVariable(ApiKeys.VARIABLE, String.class),
                "/v1/analyticsReportSegments/" + exchange.getVariable("segmentId", String.class));
        if (answer == null || answer.data().isEmpty()) {
            throw new ApiValues.Refused("App Store Connect sent no segment for the fresh URL of segment " + exchange.getVariable("segmentId")
                    + " (" + exchange.getVariable("instanceId") + "); the segment is skipped");
        }
        JsonApi.Attributes fresh = answer.data().get(0).attributes();
        values.segmentAttributes(exchange, fresh);
        exchange.setVariable("segmentUrl", fresh.url());
        exchange.setVariable("segmentChecksum", fresh.checksum());
        exchange.setVariable("segmentSize", fresh.sizeInBytes());
    }
}
