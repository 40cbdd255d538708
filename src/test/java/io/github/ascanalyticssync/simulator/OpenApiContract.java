package io.github.ascanalyticssync.simulator;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Validates simulator responses against Apple's OpenAPI extract (vendored in src/test/resources/openapi). Objects
 * that declare {@code properties} are closed, so an invented attribute fails.
 */
final class OpenApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode SPEC = load();
    private static final JsonNode STRICT_SCHEMAS = closeObjects(SPEC.get("components").get("schemas").deepCopy());
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

    private OpenApiContract() {
    }

    private static JsonNode load() {
        try (InputStream in = OpenApiContract.class.getResourceAsStream("/openapi/asc-analytics-openapi-4.4.1.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode closeObjects(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            if (o.has("properties") && !o.has("additionalProperties")) {
                o.put("additionalProperties", false);
            }
            o.elements().forEachRemaining(OpenApiContract::closeObjects);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(OpenApiContract::closeObjects);
        }
        return node;
    }

    /** The operation ids of the extract, e.g. {@code analyticsReportRequests_createInstance}. */
    static Set<String> operationIds() {
        return operations().keySet();
    }

    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> ops = new java.util.TreeMap<>();
        SPEC.get("paths").elements().forEachRemaining(path -> {
            Iterator<Map.Entry<String, JsonNode>> it = path.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().has("operationId")) {
                    ops.put(e.getValue().get("operationId").asText(), e.getValue());
                }
            }
        });
        return ops;
    }

    /** Fails unless {@code status} is a documented answer of the operation and {@code body} matches its schema. */
    static void assertValid(String operationId, int status, String body) {
        JsonNode op = operations().get(operationId);
        if (op == null) {
            fail("No operation " + operationId + " in the OpenAPI extract");
        }
        JsonNode response = op.get("responses").get(Integer.toString(status));
        if (response == null) {
            fail(operationId + " does not document status " + status + "; documented: " + iterable(op.get("responses").fieldNames()));
        }
        JsonNode content = response.path("content").path("application/json").path("schema");
        if (content.isMissingNode()) {
            assertTrue(body == null || body.isEmpty(), operationId + " " + status + " must have no body, got: " + body);
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("$ref", content.get("$ref"));
        root.putObject("components").set("schemas", STRICT_SCHEMAS);
        JsonSchema schema = FACTORY.getSchema(root);
        try {
            Set<ValidationMessage> errors = schema.validate(JSON.readTree(body));
            if (!errors.isEmpty()) {
                fail(operationId + " " + status + " does not match " + content.get("$ref").asText() + ": "
                        + errors.stream().map(ValidationMessage::getMessage).collect(Collectors.joining("; ")) + "\nbody: " + body);
            }
        } catch (IOException e) {
            fail(operationId + " " + status + " answered a body that is not JSON: " + body);
        }
    }

    private static String iterable(Iterator<String> it) {
        StringBuilder b = new StringBuilder();
        it.forEachRemaining(s -> b.append(s).append(' '));
        return b.toString().trim();
    }
}
