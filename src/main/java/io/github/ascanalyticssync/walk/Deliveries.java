package io.github.ascanalyticssync.walk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.apache.camel.spi.IdempotentRepository;

import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.destination.Destinations;
import io.github.ascanalyticssync.destination.Layout;
import io.github.ascanalyticssync.destination.Manifests;
import io.github.ascanalyticssync.destination.SegmentFetcher;
import io.github.ascanalyticssync.observe.RunTally;
import io.github.ascanalyticssync.observe.SyncStatus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The steps of routes/sync.yaml that decide who gets what: an instance's and a segment's variables, the destinations
 * that lack a segment (a segment goes to those, each on its own), the destinations whose manifest is due (every
 * segment there), and the instance's completion once every destination has its manifest.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("deliveries")
public class Deliveries {

    private static final String LACKING_BEFORE = "lackingBefore";

    @Inject
    Destinations destinations;

    @Inject
    Manifests manifests;

    @Inject
    @Named("instanceLedger")
    IdempotentRepository instanceLedger;

    @Inject
    SegmentFetcher fetcher;

    @Inject
    CurrentRun run;

    @Inject
    RunTally tally;

    @Inject
    SyncStatus status;

    /** The walk's variables of one instance, from the listed instance in the body. */
    public void instance(Exchange exchange) {
        JsonApi.Resource instance = exchange.getMessage().getBody(JsonApi.Resource.class);
        JsonApi.Attributes attributes = instance.attributes();
        String reportName = exchange.getVariable("reportName", String.class);
        exchange.setVariable("instanceId", instance.id());
        tally.instanceListed(instance.id());
        exchange.setVariable("granularity", attributes.granularity());
        exchange.setVariable("processingDate", attributes.processingDate());
    }

    /**
     * The instance's place in the layout, from its walk variables: {@code reportSlug} and {@code instanceDir}, which
     * its segments and manifest are written under (the delivery phase sets them when it takes the instance).
     */
    public static void layout(Exchange exchange) {
        String reportName = exchange.getVariable("reportName", String.class);
        exchange.setVariable("reportSlug", Layout.slug(reportName));
        exchange.setVariable("instanceDir", Layout.instanceDir(exchange.getVariable("appId", String.class),
                exchange.getVariable("accessType", String.class), reportName, String.valueOf(exchange.getVariable("granularity")),
                String.valueOf(exchange.getVariable("processingDate"))));
    }

    /**
     * True for an instance that some destination still lacks (its manifest is not there): only those get their
     * segments listed. An instance lacking only at destinations skipped for the rest of this sync waits too.
     */
    public boolean isNew(Exchange exchange, @Variable("instanceId") String instanceId) {
        List<String> lacking = destinations.lacking("manifest:" + instanceId);
        if (lacking.isEmpty()) {
            tally.instanceAlreadyComplete();
            return false;
        }
        status.lacking(lacking, exchange.getVariable("processingDate", String.class));
        return !run.stopping() && triedNow(exchange, lacking);
    }

    /**
     * Whether the instance's segments are listed now (the delivery phase, when it takes the instance): not once the
     * application is stopping, nor when every destination that lacks it is skipped for the rest of this sync (its
     * circuit breaker opened after the listing): it is left for the next sync without a call.
     */
    public boolean deliverable(Exchange exchange, @Variable("instanceId") String instanceId) {
        if (run.stopping()) {
            tally.walkIncomplete(exchange);
            return false;
        }
        List<String> lacking = destinations.lacking("manifest:" + instanceId);
        return lacking.isEmpty() || triedNow(exchange, lacking);
    }

    /** Whether a destination that lacks the instance is tried in this sync; if none is, it is counted not delivered. */
    private boolean triedNow(Exchange exchange, List<String> lacking) {
        if (destinations.toTry(lacking).isEmpty()) {
            tally.notDelivered(exchange, lacking, true);
            return false;
        }
        return true;
    }

    /**
     * The walk's variables of one segment, from the listed segment in the body, and {@code destinations}: the
     * endpoints of the destinations to deliver it to now. The message carries only what a sink needs: the header
     * {@code file} (its path in the layout) and the object-store headers.
     */
    public void segment(Exchange exchange) {
        JsonApi.Resource segment = exchange.getMessage().getBody(JsonApi.Resource.class);
        JsonApi.Attributes attributes = segment.attributes();
        String id = segment.id();
        exchange.setVariable("segmentId", id);
        exchange.setVariable("segmentUrl", attributes.url());
        exchange.setVariable("segmentChecksum", attributes.checksum());
        exchange.setVariable("segmentSize", attributes.sizeInBytes());
        exchange.setVariable("deliveryId", id);
        exchange.setVariable("deliveryKind", "segment");
        exchange.getMessage().setBody(null);
        exchange.getMessage().setHeader("file", Layout.segmentFile(exchange.getVariable("instanceDir", String.class), id));
        Manifests.objectHeaders(exchange, "application/gzip", String.valueOf(attributes.checksum()));
        List<String> lacking = destinations.lacking(id);
        // how many lacked it before this delivery: a segment some destination already had is a copy, not new
        exchange.setVariable(LACKING_BEFORE, lacking.size());
        List<String> now = destinations.toTry(lacking);
        if (run.stopping() && !lacking.isEmpty()) {
            tally.segmentLeft(exchange);
            now = List.of();
        }
        exchange.setVariable("destinations", Destinations.endpoints(now));
        // the manifest needs the segment's facts: a segment delivered everywhere whose facts were lost is read again
        exchange.setVariable("needsFacts", lacking.isEmpty() && !run.stopping() && !fetcher.hasFacts(id));
        if (lacking.isEmpty()) {
            tally.segmentSkipped(exchange.getVariable("appId", String.class));
        }
    }

    /** Records the segments of the listed page (variable {@code page}) for the manifest ({@code segmentIds}). */
    public void segments(Exchange exchange, @Variable("page") JsonApi.Document page) {
        @SuppressWarnings("unchecked")
        List<String> ids = exchange.getVariable("segmentIds", List.class);
        if (ids == null) {
            ids = new ArrayList<>();
            exchange.setVariable("segmentIds", ids);
        }
        for (JsonApi.Resource s : page.data()) {
            ids.add(s.id());
        }
        tally.segmentsListed(exchange);
    }

    /**
     * After the fan-out: what each destination still lacks is counted for it; the staged copy goes once every
     * destination has the segment.
     */
    public void release(Exchange exchange) {
        String id = exchange.getVariable("segmentId", String.class);
        List<String> lacking = destinations.lacking(id);
        boolean triedNow = !exchange.getVariable("destinations", "", String.class).isEmpty();
        if (lacking.isEmpty()) {
            fetcher.discardStaged(id);
        } else {
            tally.notDelivered(exchange, lacking, false);
        }
        int all = destinations.names().size();
        int before = exchange.getVariable(LACKING_BEFORE, all, Integer.class);
        // a segment only read again for its facts was already counted as skipped
        if (triedNow && before >= all && lacking.size() < all) {
            tally.segmentDelivered(exchange);
        } else if (triedNow && lacking.size() < before) {
            tally.segmentCopied(exchange);
        }
    }

    /**
     * Where the instance's manifest is due now: the destinations (variable {@code destinations}, empty when none) that
     * lack it and have every segment. A destination that lacks segments gets its manifest once it has them all.
     */
    public void manifestDue(Exchange exchange) {
        String instanceId = exchange.getVariable("instanceId", String.class);
        List<?> ids = exchange.getVariable("segmentIds", List.class);
        Set<String> due = new LinkedHashSet<>();
        List<String> waiting = new ArrayList<>();
        for (String d : destinations.lacking("manifest:" + instanceId)) {
            boolean ready = ids != null && ids.stream().allMatch(s -> destinations.has(d, String.valueOf(s)));
            (ready ? due : waiting).add(d);
        }
        List<String> now = destinations.toTry(List.copyOf(due));
        exchange.setVariable("destinations", Destinations.endpoints(now));
        if (now.isEmpty() && !(due.isEmpty() && waiting.isEmpty())) {
            // nothing to send now: every destination that lacks the manifest lacks a segment too, or is skipped
            tally.notDelivered(exchange, destinations.lacking("manifest:" + instanceId), true);
        }
    }

    /** Body: the instance manifest; headers for its delivery. */
    public void manifest(Exchange exchange) throws IOException {
        manifests.build(exchange);
    }

    /**
     * After the manifest's delivery: the instance is known (the instance ledger lists every instance complete at some
     * destination, so that a destination lacking it is told once Apple no longer serves it); once its manifest is
     * everywhere, its segments' facts are forgotten.
     */
    public void complete(Exchange exchange) throws IOException {
        String instanceId = exchange.getVariable("instanceId", String.class);
        List<String> lacking = destinations.lacking("manifest:" + instanceId);
        if (lacking.size() < destinations.names().size()) {
            instanceLedger.add(instanceId);
        }
        if (!lacking.isEmpty()) {
            tally.notDelivered(exchange, lacking, true);
            return;
        }
        for (Object id : exchange.getVariable("segmentIds", List.class)) {
            fetcher.forgetFacts(String.valueOf(id));
        }
        tally.instanceCompleted(exchange.getVariable("appId", String.class));
    }
}
