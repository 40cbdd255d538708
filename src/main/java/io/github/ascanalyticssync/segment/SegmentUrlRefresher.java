package io.github.ascanalyticssync.segment;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import io.github.ascanalyticssync.api.AppStoreConnectClient;

/**
 * Runs before each new try of a failed segment download (the route's {@code onRedelivery}): when the presigned URL
 * expired, {@code GET /v1/analyticsReportSegments/{id}} mints a fresh one.
 */
@ApplicationScoped
@Named("segmentUrlRefresher")
public class SegmentUrlRefresher implements Processor {

    @Inject
    AppStoreConnectClient api;

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (!(cause instanceof SegmentDownloadException failure) || !failure.urlExpired()) {
            return;
        }
        Message m = exchange.getMessage();
        Map<String, Object> segment = api.resource("/v1/analyticsReportSegments/" + m.getHeader("segmentId", String.class));
        Map<String, Object> attributes = (Map<String, Object>) segment.get("attributes");
        m.setHeader("segmentUrl", attributes.get("url"));
        m.setHeader("segmentChecksum", attributes.get("checksum"));
        m.setHeader("segmentSize", ((Number) attributes.get("sizeInBytes")).longValue());
    }
}
