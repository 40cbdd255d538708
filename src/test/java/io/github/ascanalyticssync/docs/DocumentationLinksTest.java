package io.github.ascanalyticssync.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Every link between the README and the docs/ pages names a file that exists and, after #, a heading it has. */
class DocumentationLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void everyRelativeLinkAndAnchorResolves() {
        List<String> broken = new ArrayList<>();
        int seen = 0;
        for (Path page : Pages.pages()) {
            Matcher m = LINK.matcher(Pages.prose(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // https://, mailto:
                }
                seen++;
                int hash = target.indexOf('#');
                Path file = hash == 0 ? page : page.resolveSibling(hash < 0 ? target : target.substring(0, hash)).normalize();
                if (!Files.exists(file)) {
                    broken.add(page + ": " + target + " (no file " + file + ")");
                } else if (hash >= 0 && !Pages.anchors(file).contains(target.substring(hash + 1))) {
                    broken.add(page + ": " + target + " (no heading with that anchor in " + file + ")");
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
        assertTrue(seen >= 20, "the README links to the docs pages");
    }
}
