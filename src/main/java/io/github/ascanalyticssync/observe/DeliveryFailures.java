package io.github.ascanalyticssync.observe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.config.LocalDisk;
import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.destination.Destinations;

/**
 * A destination that failed every attempt, for {@link RunTally#deliveryFailed}: counted in the metrics and the
 * destination's health, held back for the rest of the sync, and said (a full disk once per folder and sync).
 */
@ApplicationScoped
public class DeliveryFailures {

    // its lines are the tally's
    private static final Logger LOG = Logger.getLogger(RunTally.class);

    /** The destination that failed, and its error as the sync's summary gives it. */
    record Failed(String destination, String error) {
    }

    @Inject
    SyncMetrics metrics;

    @Inject
    SyncHealth destinationHealth;

    @Inject
    Destinations destinations;

    @Inject
    SyncConfig config;

    Failed failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String route = String.valueOf(exchange.getProperty(Exchange.FAILURE_ROUTE_ID));
        String destination = exchange.getVariable("destination", route.startsWith("deliver-") ? route.substring("deliver-".length()) : route,
                String.class);
        String kind = exchange.getVariable("deliveryKind", String.class);
        metrics.deliveryFailed(destination, kind);
        destinations.failed(destination);
        destinationHealth.failed(destination, e);
        String error = destinationHealth.describe(e);
        if (LocalDisk.isFull(e)) {
            // the ledger (in asc.state.dir) or the destination's own folder: the message of the failure names the file
            boolean ledger = String.valueOf(e).contains(config.state().dir().toAbsolutePath().toString())
                    || (e.getCause() != null && String.valueOf(e.getCause()).contains(config.state().dir().toAbsolutePath().toString()));
            String setting = ledger ? "asc.state.dir" : "local".equals(destination) ? "asc.destinations.local.path" : "its folder";
            error = ledger || "local".equals(destination)
                    ? "destination " + destination + ": " + LocalDisk.full(ledger ? config.state().dir() : config.destinations().local().path(), setting)
                    : "destination " + destination + ": no space left on device in its folder (" + error + "); free space there; what it lacks"
                            + " goes there on the next sync";
            // the state folder is said once, whoever met it first (a download, the ledger of a delivery)
            if (LocalDisk.firstTime(ledger ? "asc.state.dir" : "destination " + destination + " " + setting, error)) {
                LOG.error(error);
            } else {
                LOG.debugf("Destination %s could not take %s %s: %s", destination, kind, exchange.getMessage().getHeader("file"), error);
            }
            return new Failed(destination, error);
        }
        LOG.errorf("Destination %s could not take %s %s, left for the next sync: %s", destination, kind,
                exchange.getMessage().getHeader("file"), error);
        return new Failed(destination, error);
    }
}
