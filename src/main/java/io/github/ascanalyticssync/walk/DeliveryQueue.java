package io.github.ascanalyticssync.walk;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;

import io.github.ascanalyticssync.api.ApiStats;
import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.config.SyncConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One key's sync in two phases (routes/sync.yaml, {@code asc-key}): the listing phase walks every app, request and
 * report of the key and queues each instance some destination lacks (its walk variables only: never a segment URL,
 * which lives five minutes); the delivery phase takes them oldest processing date first across all apps and reports,
 * so that when the quota runs out, what Apple deletes first was fetched first. What depends on the deliveries (a
 * report's watermarks and listing plan, the replacement of a drained stopped request) runs after the delivery phase,
 * from what the listing phase noted. The queue travels in the variable {@code deliveryQueue}: split copies share it.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("deliveryQueue")
public class DeliveryQueue {

    static final String VARIABLE = "deliveryQueue";
    /** When a report's listing ended (App Store Connect's clock): its plan and watermarks count from then, not from the deliveries' end. */
    static final String LISTED_AT = "reportListedAt";
    static final String LISTED_DAY = "reportListedDay";
    /** MONTHLY before WEEKLY before DAILY on the same processing date: the one covering the most days first. */
    private static final Map<String, Integer> GRANULARITY_ORDER = Map.of("MONTHLY", 0, "WEEKLY", 1, "DAILY", 2);
    static final Comparator<Item> OLDEST_FIRST = Comparator.comparing(Item::processingDate, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(i -> GRANULARITY_ORDER.getOrDefault(i.granularity(), 3))
            .thenComparing(Item::appId).thenComparing(Item::reportName).thenComparing(Item::instanceId);

    /** One instance to deliver: the walk variables the delivery phase sets again. */
    @RegisterForReflection
    public record Item(String appId, String requestId, String accessType, Boolean requestStopped, String reportId, String reportName,
            String reportCategory, String instanceId, String granularity, String processingDate) {
    }

    /** A report whose whole listing was walked: the instances it saw ({@link Watermarks#SEEN}), kept small. */
    @RegisterForReflection
    public record Listed(String appId, String requestId, String accessType, String reportName, Instant listedAt, LocalDate listedDay,
            List<Seen> seen) {
    }

    /** An instance a listing saw, as the watermarks and the plan read it. */
    @RegisterForReflection
    public record Seen(String id, String granularity, String processingDate) {
    }

    /** An app whose requests were walked, with the requests walked (for {@link RequestLifecycle#replaceDrained}). */
    @RegisterForReflection
    public record Walked(String appId, List<RequestLifecycle.Walked> requests) {
    }

    /** The key's queue and notes of this sync; lists shared by the parallel report workers. */
    public static final class Queue {
        final List<Item> items = Collections.synchronizedList(new ArrayList<>());
        /** The delivery phase's order: taken from the front, one at a time, by each lane. */
        final ArrayDeque<Item> sorted = new ArrayDeque<>();
        final List<Listed> listed = Collections.synchronizedList(new ArrayList<>());
        final List<Walked> walked = Collections.synchronizedList(new ArrayList<>());
        /** One copy of each repeated value (dates, granularities): 300,000 instances queued and seen take about 40 MiB. */
        final Map<String, String> canonical = new ConcurrentHashMap<>();

        String canonical(String value) {
            return value == null ? null : canonical.computeIfAbsent(value, v -> v);
        }
    }

    @Inject
    SyncConfig config;

    @Inject
    ApiStats apiStats;

    /** Sets the variable {@code deliveryQueue} to a new, empty queue for the key. */
    public void open(Exchange exchange) {
        exchange.setVariable(VARIABLE, new Queue());
    }

    /** Listing phase: the instance in the walk variables, some destination lacks it. */
    public void add(Exchange exchange, @Variable(VARIABLE) Queue queue) {
        queue.items.add(new Item(var(exchange, "appId"), var(exchange, "requestId"), var(exchange, "accessType"),
                exchange.getVariable("requestStopped", Boolean.class), var(exchange, "reportId"), var(exchange, "reportName"),
                var(exchange, "reportCategory"), var(exchange, "instanceId"), queue.canonical(var(exchange, "granularity")),
                queue.canonical(var(exchange, "processingDate"))));
    }

    /** Listing phase: the report's listing is walked; its watermarks and plan wait for the delivery phase. */
    @SuppressWarnings("unchecked")
    public void reportListed(Exchange exchange, @Variable(VARIABLE) Queue queue) {
        List<JsonApi.Resource> seen = exchange.getVariable(Watermarks.SEEN, List.class);
        exchange.removeVariable(Watermarks.SEEN);
        List<Seen> small = seen == null ? null : seen.stream().map(r -> new Seen(r.id(), queue.canonical(r.attributes().granularity()),
                queue.canonical(r.attributes().processingDate()))).toList();
        queue.listed.add(new Listed(var(exchange, "appId"), var(exchange, "requestId"), var(exchange, "accessType"), var(exchange, "reportName"),
                apiStats.serverNow(), apiStats.serverToday(), small));
    }

    /** Listing phase: the app's requests are walked; a stopped one is replaced after the delivery phase. */
    @SuppressWarnings("unchecked")
    public void appWalked(Exchange exchange, @Variable(VARIABLE) Queue queue) {
        List<RequestLifecycle.Walked> walked = exchange.getVariable(RequestLifecycle.WALKED, List.class);
        exchange.removeVariable(RequestLifecycle.WALKED);
        queue.walked.add(new Walked(var(exchange, "appId"), walked == null ? List.of() : List.copyOf(walked)));
    }

    /**
     * Delivery phase: sorts the queued instances oldest processing date first (what expires first goes first) and
     * returns the lanes that take them, {@code asc.sync.parallel-reports} at most. A lane takes the next instance
     * when it is done with one: the order holds across the lanes, and only one exchange per lane exists at a time.
     */
    public List<Integer> lanes(@Variable(VARIABLE) Queue queue) {
        List<Item> sorted;
        synchronized (queue.items) {
            sorted = new ArrayList<>(queue.items);
            queue.items.clear();
        }
        sorted.sort(OLDEST_FIRST);
        synchronized (queue.sorted) {
            queue.sorted.addAll(sorted);
        }
        int lanes = Math.min(Math.max(1, config.sync().parallelReports()), sorted.size());
        return java.util.stream.IntStream.range(0, lanes).boxed().toList();
    }

    /** Whether an instance is left to take. */
    public boolean left(@Variable(VARIABLE) Queue queue) {
        synchronized (queue.sorted) {
            return !queue.sorted.isEmpty();
        }
    }

    /**
     * Delivery phase: the next instance, or none when the other lanes took the last ones. A list of at most one, to
     * split: a failure of its delivery (handled by the error handling of asc-segments) ends that split, not the lane.
     */
    public List<Item> next(@Variable(VARIABLE) Queue queue) {
        synchronized (queue.sorted) {
            Item item = queue.sorted.pollFirst();
            return item == null ? List.of() : List.of(item);
        }
    }

    /** The walk variables of the instance in the body. */
    public void take(Exchange exchange) {
        Item item = exchange.getMessage().getBody(Item.class);
        exchange.getMessage().setBody(null);
        exchange.setVariable("appId", item.appId());
        exchange.setVariable("requestId", item.requestId());
        exchange.setVariable("accessType", item.accessType());
        exchange.setVariable("requestStopped", item.requestStopped());
        exchange.setVariable("reportId", item.reportId());
        exchange.setVariable("reportName", item.reportName());
        exchange.setVariable("reportCategory", item.reportCategory());
        exchange.setVariable("instanceId", item.instanceId());
        exchange.setVariable("granularity", item.granularity());
        exchange.setVariable("processingDate", item.processingDate());
        Deliveries.layout(exchange);
    }

    /** After the delivery phase: the reports listed, to move their watermarks and plans on. */
    public List<Listed> listed(@Variable(VARIABLE) Queue queue) {
        return List.copyOf(queue.listed);
    }

    /** The walk variables of a listed report in the body. */
    public void report(Exchange exchange) {
        Listed report = exchange.getMessage().getBody(Listed.class);
        exchange.getMessage().setBody(null);
        exchange.setVariable("appId", report.appId());
        exchange.setVariable("requestId", report.requestId());
        exchange.setVariable("accessType", report.accessType());
        exchange.setVariable("reportName", report.reportName());
        exchange.setVariable(LISTED_AT, report.listedAt());
        exchange.setVariable(LISTED_DAY, report.listedDay());
        exchange.setVariable(Watermarks.SEEN, report.seen() == null ? null : new ArrayList<>(report.seen().stream().map(DeliveryQueue::resource).toList()));
    }

    /** After the delivery phase: the apps whose requests were walked. */
    public List<Walked> walked(@Variable(VARIABLE) Queue queue) {
        return List.copyOf(queue.walked);
    }

    /** The walk variables of a walked app in the body. */
    public void app(Exchange exchange) {
        Walked app = exchange.getMessage().getBody(Walked.class);
        exchange.getMessage().setBody(null);
        exchange.setVariable("appId", app.appId());
        exchange.setVariable(RequestLifecycle.WALKED, app.requests());
    }

    /** A seen instance as the watermarks and the plan read it: id, granularity and processing date. */
    private static JsonApi.Resource resource(Seen s) {
        return new JsonApi.Resource(null, s.id(), new JsonApi.Attributes(null, null, null, null, null, s.granularity(), s.processingDate(), null, null, null));
    }

    private static String var(Exchange exchange, String name) {
        return exchange.getVariable(name, String.class);
    }
}
