package io.github.ascanalyticssync.routes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The destinations page (docs/destinations.md, "Add a destination", linked from the README) shows the files the tests
 * run: the examples it copies exist, and the YAML it shows for a second bucket is, verbatim, the route file
 * DestinationsTest loads.
 */
class ReadmeExamplesTest {

    @Test
    void theDestinationsPageShowsTheTestedDestinationFiles() throws IOException {
        String section = Files.readString(Path.of("docs/destinations.md"));
        for (String example : new String[] { "s3", "sftp", "kafka" }) {
            assertTrue(section.contains("cp routes/examples/" + example + ".yaml routes/"), example);
            assertTrue(Files.exists(Path.of("routes/examples/" + example + ".yaml")), example);
        }
        String archive = Files.readString(Path.of("src/test/routes/s3-archive.yaml"));
        assertTrue(section.contains("```yaml\n" + archive + "```"), "the second-bucket example is the tested file, verbatim");
    }

    @Test
    void everyEnvironmentVariableTheSectionDocumentsIsRead() throws IOException {
        String section = Files.readString(Path.of("docs/destinations.md"));
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ASC_(S3|SFTP|KAFKA)_[A-Z_]+").matcher(section);
        int seen = 0;
        while (m.find()) {
            seen++;
            assertTrue(properties.contains("${" + m.group() + ":"), m.group() + " is read by application.properties");
        }
        assertTrue(seen >= 15, "the S3, SFTP and Kafka settings are documented");
    }
}
