package io.github.ascanalyticssync.routes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Every route file in routes/ is valid Camel YAML DSL, checked against the JSON schema that ships in camel-yaml-dsl
 * (the Kamelets' templates too, in KameletsTest).
 */
class RoutesSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader.class.getClassLoader()
                .getResourceAsStream("schema/camelYamlDsl.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(JSON.readTree(in));
        }
    }

    static Set<String> validate(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return validateTree(new Yaml().load(reader));
        }
    }

    /**
     * Schema messages for a YAML DSL document (a list of routes, templates, ...); empty when valid. A property
     * placeholder ({@code "{{asc.sync.api-retries}}"}) where the schema expects a number or boolean is accepted: Camel
     * resolves it before the value is typed, and the schema has no way to say so.
     */
    static Set<String> validateTree(Object yaml) {
        JsonNode tree = JSON.valueToTree(yaml);
        return schema.validate(tree).stream().filter(m -> !placeholder(tree, m)).map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }

    private static boolean placeholder(JsonNode tree, ValidationMessage m) {
        JsonNode value = tree.at(m.getInstanceLocation().toString().replace("$", "").replace("[", "/").replace("]", "").replace('.', '/'));
        return value.isTextual() && value.asText().matches("\\{\\{[^}]+}}") && m.getMessage().contains("string found");
    }

    /** The route files in routes/ and its folders; Kamelets (*.kamelet.yaml) are checked by KameletsTest. */
    static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            return files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().endsWith(".kamelet.yaml")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRouteFileMatchesTheYamlDslSchema() throws IOException {
        List<Path> files = routeFiles();
        assertFalse(files.isEmpty(), "routes/ holds the pipeline");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.toString(), () -> {
            Set<String> errors = validate(f);
            assertTrue(errors.isEmpty(), f + " is not valid Camel YAML DSL: " + errors);
        }));
    }

    @Test
    void theSchemaCatchesAMistake(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "- route:\n    id: x\n    from:\n      uri: timer:x\n      steps:\n        - lgo:\n            message: typo\n");
        assertFalse(validate(broken).isEmpty(), "an unknown EIP is reported");
    }
}
