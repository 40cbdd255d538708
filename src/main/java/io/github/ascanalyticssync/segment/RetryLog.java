package io.github.ascanalyticssync.segment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.api.AppStoreConnectException;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One line per retry, in the sync's words, instead of Camel's {@code Failed delivery for (MessageId ...)}: runs before
 * each new try of Camel's redelivery ({@code onRedeliveryRef} in routes/error-handling.yaml), which logs nothing itself.
 */
@RegisterForReflection
@ApplicationScoped
@Named("retryLog")
public class RetryLog implements Processor {

    private static final Logger LOG = Logger.getLogger(RetryLog.class);

    @Override
    public void process(Exchange exchange) {
        log(exchange);
    }

    /** The line for the try about to start (also the segment download's onRedelivery, SegmentUrlRefresher). */
    public static void log(Exchange exchange) {
        LOG.warn(line(exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
    }

    static String line(Exchange exchange, Exception cause) {
        Integer n = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Integer max = exchange.getMessage().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        String reason = cause == null ? "failed" : cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage().lines().findFirst().orElse("") + (cause instanceof AppStoreConnectException ? "" : " (" + cause.getClass().getSimpleName() + ")");
        String what;
        if (cause instanceof AppStoreConnectException) {
            what = "App Store Connect: " + reason;
        } else if (cause instanceof SegmentDownloadException) {
            what = "Download of segment " + exchange.getVariable("segmentId") + ": " + reason;
        } else if (exchange.getVariable("destination") != null) {
            what = "Delivery to destination " + exchange.getVariable("destination") + ": " + reason;
        } else {
            what = reason;
        }
        return what + "; trying again (retry " + (n == null ? "?" : n) + (max == null || max < 0 ? "" : " of " + max) + ")";
    }
}
