package io.github.ascanalyticssync.destination;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.IdempotentRepository;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.github.ascanalyticssync.config.SyncConfig;

/**
 * The destinations and what each one has. A destination is any route whose id is {@code deliver-<name>} (one
 * {@code templatedRoute} per destination in routes/), unless {@code asc.destinations.<name>.enabled=false}. The
 * delivery ledger records {@code <name>:<segmentId>} and {@code <name>:manifest:<instanceId>} once the destination
 * confirmed them, so completeness is known per destination: an instance is complete at a destination when its
 * manifest is there, and a destination added later lacks everything.
 *
 * <p>
 * A circuit breaker per destination and sync: after {@code asc.destinations.circuit-breaker.failures} deliveries in
 * a row failed (each after its retries), the destination is skipped for the rest of the sync, so a destination that is
 * down costs the others neither time nor manifests; it catches up on the next sync. Written here rather than with
 * Camel's circuitBreaker EIP: its implementations (Resilience4j, MicroProfile Fault Tolerance) are not served for
 * this Camel Quarkus version, and the state must reset with every sync rather than after a time.
 */
@ApplicationScoped
@Named("destinations")
public class Destinations {

    private static final Logger LOG = Logger.getLogger(Destinations.class);
    public static final String PREFIX = "deliver-";

    @Inject
    CamelContext camel;

    @Inject
    @Named("deliveryLedger")
    IdempotentRepository ledger;

    @Inject
    SyncConfig config;

    @Inject
    @Named("instanceLedger")
    IdempotentRepository instanceLedger;

    private volatile List<String> names = List.of();
    private volatile int routesSeen = -1;
    private final Map<String, AtomicInteger> failuresInARow = new ConcurrentHashMap<>();
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private final Set<String> resolved = ConcurrentHashMap.newKeySet();

    /**
     * S3 sinks make one attempt per Camel delivery attempt: the AWS SDK's own retries (three by default, with their
     * own back-off) would multiply Camel's redelivery and hold the other destinations; Camel's redelivery and the
     * circuit breaker decide. A value set by the user (system property aws.maxAttempts) is kept.
     */
    void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        if (System.getProperty("aws.maxAttempts") == null && System.getenv("AWS_MAX_ATTEMPTS") == null) {
            System.setProperty("aws.maxAttempts", "1");
        }
    }

    /** The enabled destinations, worked out again only when the set of routes changes (not for every segment). */
    public List<String> names() {
        int routes = camel.getRoutesSize();
        if (routes != routesSeen) {
            List<String> found = new ArrayList<>();
            for (Route route : camel.getRoutes()) {
                String id = route.getRouteId();
                if (id.startsWith(PREFIX) && ConfigProvider.getConfig()
                        .getOptionalValue("asc.destinations." + id.substring(PREFIX.length()) + ".enabled", Boolean.class).orElse(true)) {
                    found.add(id.substring(PREFIX.length()));
                }
            }
            found.sort(null);
            names = List.copyOf(found);
            routesSeen = routes;
        }
        return names;
    }

    /** The destinations that lack the delivery ({@code <segmentId>} or {@code manifest:<instanceId>}). */
    public List<String> lacking(String deliveryId) {
        return names().stream().filter(n -> !ledger.contains(n + ":" + deliveryId)).toList();
    }

    /** Of those, the ones to try now: not skipped by their circuit breaker. */
    public List<String> toTry(List<String> lacking) {
        return lacking.stream().filter(n -> !open.contains(n)).toList();
    }

    /** The endpoints of the named destinations, for the fan-out's recipient list. */
    public static String endpoints(List<String> destinations) {
        return destinations.stream().map(n -> "direct:" + PREFIX + n).collect(Collectors.joining(","));
    }

    public boolean has(String destination, String deliveryId) {
        return ledger.contains(destination + ":" + deliveryId);
    }

    /** Complete at every destination: its manifest is everywhere. */
    public boolean completeEverywhere(String instanceId) {
        return lacking("manifest:" + instanceId).isEmpty();
    }

    /**
     * Per destination, how many instances complete elsewhere it lacks among those this sync did not find at App Store
     * Connect ({@code listed}): what it can only get from another destination. Empty when the ledger cannot be
     * enumerated.
     */
    public Map<String, Long> lackingUnserved(Set<String> listed) {
        Set<String> known = io.github.ascanalyticssync.ledger.JdbcState.keys(instanceLedger);
        Map<String, Long> out = new java.util.TreeMap<>();
        if (known == null) {
            return out;
        }
        for (String d : names()) {
            long n = known.stream().filter(id -> !listed.contains(id) && !has(d, "manifest:" + id)).count();
            if (n > 0) {
                out.put(d, n);
            }
        }
        return out;
    }

    /** A new sync: every destination gets its chance again. */
    public void syncStarted() {
        failuresInARow.clear();
        open.clear();
    }

    /**
     * Creates (and starts) the destination's sink endpoint the first time a delivery needs it, one thread at a time,
     * so that the route's {@code toD} finds it in Camel's registry: two workers never create the same Kamelet route
     * twice, and a sink that cannot start fails this delivery instead of the application's start.
     */
    public void resolveSink(@org.apache.camel.Variable("destination") String destination, @org.apache.camel.Variable("sink") String uri) {
        if (resolved.contains(destination)) {
            return;
        }
        synchronized (resolved) {
            if (!resolved.contains(destination)) {
                camel.getEndpoint(uri);
                resolved.add(destination);
            }
        }
    }

    /**
     * Camel's retry decision for a failed delivery ({@code retryWhile} in routes/error-handling.yaml): the next try,
     * unless the retries are spent or the destination's circuit breaker opened meanwhile.
     */
    public boolean retrying(String destination, Integer redeliveries) {
        int done = redeliveries == null ? 0 : redeliveries;
        return done < config.destinations().retries() && !open.contains(destination);
    }

    public void delivered(String destination) {
        AtomicInteger n = failuresInARow.get(destination);
        if (n != null) {
            n.set(0);
        }
    }

    public void failed(String destination) {
        int inARow = failuresInARow.computeIfAbsent(destination, d -> new AtomicInteger()).incrementAndGet();
        if (inARow >= config.destinations().circuitBreakerFailures() && open.add(destination)) {
            LOG.errorf("Destination %s failed %d deliveries in a row: it is skipped for the rest of this sync, and the other destinations"
                    + " go on; it catches up on the next sync from the staged copies", destination, inARow);
        }
    }
}
