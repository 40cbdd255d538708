package io.github.ascanalyticssync.destination;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.processor.aggregate.UseOriginalAggregationStrategy;

/**
 * {@code deliveryOutcomes} joins the fan-out to the destinations: the message goes on unchanged, and one
 * destination's failure does not fail the segment stage. That failure has already reached the destination's
 * idempotent consumer (so the ledger did not record it) and its error handler (so it was logged); what is still
 * missing is counted afterwards from the ledger.
 */
@ApplicationScoped
public class DeliveryOutcomes {

    @Produces
    @Singleton
    @Named("deliveryOutcomes")
    AggregationStrategy deliveryOutcomes() {
        return new UseOriginalAggregationStrategy(false);
    }
}
