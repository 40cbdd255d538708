package io.github.ascanalyticssync.segment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import io.github.ascanalyticssync.api.ApiKeys;
import io.github.ascanalyticssync.api.AscApi;
import io.github.ascanalyticssync.api.JsonApi;

/**
 * Runs before each new try of a failed segment download (the route's {@code onRedelivery}): when the presigned URL
 * expired, {@code GET /v1/analyticsReportSegments/{id}} mints a fresh one.
 */
@ApplicationScoped
@Named("segmentUrlRefresher")
public class SegmentUrlRefresher implements Processor {

    @Inject
    AscApi api;

    @Override
    public void process(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (!(cause instanceof SegmentDownloadException failure) || !failure.urlExpired()) {
            return;
        }
        JsonApi.Attributes fresh = api.get(exchange.getVariable(ApiKeys.VARIABLE, String.class),
                "/v1/analyticsReportSegments/" + exchange.getVariable("segmentId", String.class)).data().get(0)
                .attributes();
        exchange.setVariable("segmentUrl", fresh.url());
        exchange.setVariable("segmentChecksum", fresh.checksum());
        exchange.setVariable("segmentSize", fresh.sizeInBytes());
    }
}
