package io.github.ascanalyticssync.simulator;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.ascanalyticssync.simulator.ApiGate.Reply;

/**
 * The JSON:API shapes of Apple's answers: resources with their attributes, relationships and links, linkages, single
 * and paged documents, and error documents.
 */
final class JsonApi {

    static final String REQUESTS = "analyticsReportRequests";
    static final String REPORTS = "analyticsReports";
    static final String INSTANCES = "analyticsReportInstances";
    static final String SEGMENTS = "analyticsReportSegments";

    private final ObjectMapper json = new ObjectMapper();
    private final SimulatorConfig config;

    JsonApi(SimulatorConfig config) {
        this.config = config;
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    JsonNode parse(String text) throws JsonProcessingException {
        return json.readTree(text);
    }

    byte[] bytes(JsonNode node) throws JsonProcessingException {
        return json.writeValueAsBytes(node);
    }

    byte[] errorBody(ApiError e) {
        ObjectNode error = json.createObjectNode();
        error.put("id", UUID.randomUUID().toString());
        error.put("status", Integer.toString(e.status));
        error.put("code", e.code);
        error.put("title", e.title);
        error.put("detail", e.detail);
        if (e.source != null) {
            ObjectNode source = error.putObject("source");
            e.source.forEach(source::put);
        }
        ObjectNode doc = json.createObjectNode();
        doc.putArray("errors").add(error);
        try {
            return json.writeValueAsBytes(doc);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    ObjectNode resource(String type, String id, String self) {
        ObjectNode r = json.createObjectNode();
        r.put("type", type);
        r.put("id", id);
        r.putObject("links").put("self", self);
        return r;
    }

    /** Puts attributes before links, as Apple orders them, and omits an empty attributes object. */
    static void attributes(ObjectNode resource, ObjectNode attrs) {
        JsonNode links = resource.remove("links");
        if (!attrs.isEmpty()) {
            resource.set("attributes", attrs);
        }
        resource.set("links", links);
    }

    ObjectNode relationship(ObjectNode resource, String name, String owner) {
        JsonNode links = resource.remove("links");
        ObjectNode rels = resource.has("relationships") ? (ObjectNode) resource.get("relationships") : resource.putObject("relationships");
        ObjectNode rel = rels.putObject(name);
        rel.putObject("links").put("self", owner + "/relationships/" + name).put("related", owner + "/" + name);
        resource.set("links", links);
        return rel;
    }

    ObjectNode linkage(String type, String id) {
        ObjectNode l = json.createObjectNode();
        l.put("type", type);
        l.put("id", id);
        return l;
    }

    static void putIf(ObjectNode attrs, Set<String> fields, String name, String value) {
        if (fields == null || fields.contains(name)) {
            attrs.put(name, value);
        }
    }

    int pageLimit(Call call) {
        return call.limit("limit", config.paging().defaultLimit(), config.paging().maxLimit());
    }

    /** A resource with its attributes (those in the sparse fieldset) and, when asked for, one to-many relationship. */
    ObjectNode resource(Call call, String type, String id, Set<String> fields, Map<String, String> attributes, String relationship) {
        String self = call.base + "/v1/" + type + "/" + id;
        ObjectNode node = resource(type, id, self);
        ObjectNode attrs = json.createObjectNode();
        attributes.forEach((name, value) -> putIf(attrs, fields, name, value));
        attributes(node, attrs);
        if (fields == null || fields.contains(relationship)) {
            relationship(node, relationship, self);
        }
        return node;
    }

    Reply single(Call call, ObjectNode data, ArrayNode included) {
        ObjectNode doc = json.createObjectNode();
        doc.set("data", data);
        if (included != null) {
            doc.set("included", included);
        }
        doc.putObject("links").put("self", call.self());
        return new Reply(200, doc);
    }

    <T> Reply page(Call call, List<T> all, int limit, Function<T, JsonNode> render) {
        int offset = call.offset();
        int from = Math.min(offset, all.size());
        int to = Math.min(from + limit, all.size());
        ObjectNode doc = json.createObjectNode();
        ArrayNode data = doc.putArray("data");
        all.subList(from, to).forEach(x -> data.add(render.apply(x)));
        ObjectNode links = doc.putObject("links");
        links.put("self", call.self());
        if (to < all.size()) {
            links.put("next", call.next(to));
        }
        ObjectNode paging = doc.putObject("meta").putObject("paging");
        paging.put("total", all.size());
        paging.put("limit", limit);
        return new Reply(200, doc);
    }
}
