package io.github.ascanalyticssync.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.v1.Kamelet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The destinations' Kamelets: the project's (routes/kamelets/) fit Camel K's Kamelet model, their templates are valid
 * YAML DSL and use only the properties they declare, and every property is documented and typed, secrets marked as
 * such. Every Kamelet a route names exists (the project's or the catalog's), is listed for the native build, and every
 * camel.kamelet.* setting in application.properties names a property the Kamelet has.
 */
class KameletsTest {

    static final Path KAMELETS = Path.of("routes/kamelets");
    private static final Pattern USE = Pattern.compile("kamelet:([a-z0-9-]+)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\??([A-Za-z0-9]+)}}");
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|passphrase|secret|token).*");

    @BeforeAll
    static void loadSchema() throws IOException {
        RoutesSchemaTest.loadSchema();
    }

    static List<Path> projectKamelets() throws IOException {
        try (Stream<Path> files = Files.list(KAMELETS)) {
            return files.filter(p -> p.toString().endsWith(".kamelet.yaml")).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        }
    }

    /** The Kamelet of that name: the project's, else the catalog's on the classpath; null when neither has it. */
    static Map<String, Object> kamelet(String name) throws IOException {
        Path own = KAMELETS.resolve(name + ".kamelet.yaml");
        if (Files.exists(own)) {
            return load(own);
        }
        try (InputStream in = KameletsTest.class.getClassLoader().getResourceAsStream("kamelets/" + name + ".kamelet.yaml")) {
            return in == null ? null : new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> properties(Map<String, Object> kamelet) {
        Map<String, Object> definition = (Map<String, Object>) ((Map<String, Object>) kamelet.get("spec")).get("definition");
        return (Map<String, Map<String, Object>>) definition.get("properties");
    }

    @TestFactory
    Stream<DynamicTest> everyProjectKameletIsAWellDocumentedKamelet() throws IOException {
        List<Path> files = projectKamelets();
        assertFalse(files.isEmpty(), "routes/kamelets holds the project's Kamelets");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.toString(), () -> checkKamelet(f)));
    }

    @SuppressWarnings("unchecked")
    private static void checkKamelet(Path file) throws IOException {
        Map<String, Object> raw = load(file);
        // Camel K's model, unknown fields refused: what the operator and the Kamelet catalog tools accept
        Kamelet kamelet = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).convertValue(raw, Kamelet.class);
        String name = kamelet.getMetadata().getName();
        assertEquals(file.getFileName().toString(), name + ".kamelet.yaml", "the file is named after the Kamelet");
        assertEquals("sink", kamelet.getMetadata().getLabels().get("camel.apache.org/kamelet.type"));
        var definition = kamelet.getSpec().getDefinition();
        assertNotNull(definition.getTitle(), name);
        assertNotNull(definition.getDescription(), name);
        Set<String> declared = definition.getProperties().keySet();
        assertTrue(declared.containsAll(definition.getRequired()), name + ": required properties are declared");
        definition.getProperties().forEach((property, p) -> {
            String where = name + "." + property;
            assertNotNull(p.getTitle(), where + " has a title");
            assertNotNull(p.getDescription(), where + " has a description");
            assertTrue(List.of("string", "integer", "boolean").contains(p.getType()), where + " has a type");
            if (SECRET.matcher(property).matches()) {
                assertEquals("password", p.getFormat(), where + " is marked as a secret");
                assertTrue(p.getXDescriptors().contains("urn:camel:group:credentials"), where + " is a credential");
            }
            assertFalse(p.get_default() != null && definition.getRequired().contains(property), where + ": required or with a default, not both");
        });

        // the template is YAML DSL, and every {{placeholder}} in it is a declared property or one of its beans
        Map<String, Object> template = new LinkedHashMap<>((Map<String, Object>) ((Map<String, Object>) raw.get("spec")).get("template"));
        Set<String> beans = new TreeSet<>();
        for (Map<String, Object> bean : (List<Map<String, Object>>) template.getOrDefault("beans", List.of())) {
            beans.add((String) bean.get("name"));
        }
        template.put("id", name);
        Set<String> errors = RoutesSchemaTest.validateTree(List.of(Map.of("routeTemplate", template)));
        assertTrue(errors.isEmpty(), file + ": the template is not valid YAML DSL: " + errors);
        Matcher m = PLACEHOLDER.matcher(new Yaml().dump(raw.get("spec")));
        while (m.find()) {
            assertTrue(declared.contains(m.group(1)) || beans.contains(m.group(1)), name + " uses {{" + m.group(1) + "}}, which it does not declare");
        }
    }

    /** Every Kamelet named in a route file the project ships, tests or mounts on Kubernetes. */
    static Set<String> usedKamelets() throws IOException {
        Set<String> used = new TreeSet<>();
        for (Path dir : List.of(Path.of("routes"), Path.of("src/test/routes"), Path.of("k8s/base/routes"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().endsWith(".kamelet.yaml")).toList()) {
                    Matcher m = USE.matcher(Files.readString(f));
                    while (m.find()) {
                        used.add(m.group(1));
                    }
                }
            }
        }
        return used;
    }

    @Test
    void everyKameletARouteNamesExistsAndIsListedForTheNativeBuild() throws IOException {
        Set<String> used = usedKamelets();
        assertTrue(used.containsAll(List.of("asc-folder-sink", "asc-sftp-sink", "asc-kafka-sink", "aws-s3-sink")), used.toString());
        Properties config = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            config.load(reader);
        }
        List<String> nativeKamelets = List.of(config.getProperty("quarkus.camel.kamelet.identifiers").split(","));
        for (String name : used) {
            assertNotNull(kamelet(name), name + " is in routes/kamelets or the catalog");
            assertTrue(nativeKamelets.contains(name), name + " is in quarkus.camel.kamelet.identifiers (the native executable)");
        }
        for (Path own : projectKamelets()) {
            assertTrue(nativeKamelets.contains(own.getFileName().toString().replace(".kamelet.yaml", "")), own + " is listed for the native build");
        }
        assertEquals("classpath:kamelets", config.getProperty("camel.component.kamelet.location"),
                "the project's Kamelets (packaged beside the catalog's) and the catalog's; asc.routes.dir adds a folder before them");
    }

    @Test
    void everyKameletSettingNamesAPropertyOfItsKamelet() throws IOException {
        List<String> keys = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            if (line.startsWith("camel.kamelet.")) {
                keys.add(line.substring(0, line.indexOf('=')));
            }
        }
        assertTrue(keys.size() > 10, keys.toString());
        for (String key : keys) {
            // camel.kamelet.<kamelet>.<property> or camel.kamelet.<kamelet>.<destination>.<property>
            String[] parts = key.split("\\.");
            Map<String, Object> kamelet = kamelet(parts[2]);
            assertNotNull(kamelet, key + " names a Kamelet that exists");
            assertTrue(parts.length == 4 || parts.length == 5, key);
            assertTrue(properties(kamelet).containsKey(parts[parts.length - 1]), key + " names a property of " + parts[2]);
        }
    }
}
