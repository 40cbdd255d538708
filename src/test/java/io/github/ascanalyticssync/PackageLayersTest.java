package io.github.ascanalyticssync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packages of the application are layers, bottom first: each imports only packages below it, so no package
 * imports one that imports it back, directly or around a loop. The sync and the simulator import nothing of each
 * other. Read from the main sources: every {@code import io.github.ascanalyticssync.<package>...} line and every fully
 * qualified use in the code (comments left out), against the package the file declares.
 */
class PackageLayersTest {

    /** The sync's layers, bottom first (docs/layout.md says what each holds). */
    static final List<String> LAYERS = List.of("token", "config", "ledger", "api", "segment", "destination", "observe", "walk", "run");

    /** Apart from the sync: shares no import with it in either direction. */
    static final String SIMULATOR = "simulator";

    private static final Path MAIN = Path.of("src/main/java/io/github/ascanalyticssync");

    private static final Pattern PACKAGE = Pattern.compile("(?m)^package io\\.github\\.ascanalyticssync\\.(\\w+);");
    private static final Pattern USE = Pattern.compile("\\bio\\.github\\.ascanalyticssync\\.(\\w+)\\.");

    @Test
    void noPackageImportsOneThatImportsItBack() throws IOException {
        Map<String, Map<String, Set<String>>> uses = uses();
        List<String> cycles = cycles(uses);
        assertTrue(cycles.isEmpty(), "package cycles: " + cycles);
    }

    @Test
    void eachPackageImportsOnlyTheLayersBelowIt() throws IOException {
        List<String> wrong = new ArrayList<>();
        uses().forEach((from, to) -> to.forEach((target, files) -> {
            if (from.equals(SIMULATOR) || target.equals(SIMULATOR)) {
                wrong.add(from + " -> " + target + " (the sync and the simulator import nothing of each other) in " + files);
            } else if (!LAYERS.contains(from) || !LAYERS.contains(target)) {
                wrong.add(from + " -> " + target + ": a package missing from the layers (PackageLayersTest.LAYERS, docs/layout.md)");
            } else if (LAYERS.indexOf(target) > LAYERS.indexOf(from)) {
                wrong.add(from + " -> " + target + " (up a layer) in " + files);
            }
        }));
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyPackageIsALayerOrTheSimulator() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(MAIN)) {
            dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
        }
        Set<String> known = new TreeSet<>(LAYERS);
        known.add(SIMULATOR);
        assertEquals(known, packages);
    }

    /** Per package, the packages it uses and the files that use each. */
    static Map<String, Map<String, Set<String>>> uses() throws IOException {
        Map<String, Map<String, Set<String>>> uses = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(MAIN)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 50, "the main sources are not at " + MAIN.toAbsolutePath());
        for (Path file : files) {
            String source = Files.readString(file);
            Matcher declared = PACKAGE.matcher(source);
            assertTrue(declared.find(), "no package line in " + file);
            String from = declared.group(1);
            Matcher use = USE.matcher(withoutComments(source));
            uses.computeIfAbsent(from, p -> new TreeMap<>());
            while (use.find()) {
                String to = use.group(1);
                if (!to.equals(from)) {
                    uses.get(from).computeIfAbsent(to, p -> new TreeSet<>()).add(file.getFileName().toString());
                }
            }
        }
        return uses;
    }

    /** The code without its comments; the package line itself is no use of another package. */
    static String withoutComments(String source) {
        return PACKAGE.matcher(source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ")).replaceFirst(" ");
    }

    /** Every set of packages that reach each other (strongly connected, more than one), with the uses between them. */
    static List<String> cycles(Map<String, Map<String, Set<String>>> uses) {
        List<String> cycles = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : uses.keySet()) {
            if (done.contains(start)) {
                continue;
            }
            Set<String> component = new TreeSet<>();
            for (String other : uses.keySet()) {
                if (reaches(uses, start, other) && reaches(uses, other, start)) {
                    component.add(other);
                }
            }
            done.addAll(component);
            done.add(start);
            if (component.size() > 1) {
                StringBuilder s = new StringBuilder(component.toString());
                for (String a : component) {
                    uses.get(a).forEach((b, files) -> {
                        if (component.contains(b)) {
                            s.append("\n  ").append(a).append(" -> ").append(b).append(" in ").append(files);
                        }
                    });
                }
                cycles.add(s.toString());
            }
        }
        return cycles;
    }

    private static boolean reaches(Map<String, Map<String, Set<String>>> uses, String from, String to) {
        if (from.equals(to)) {
            return true;
        }
        Set<String> seen = new TreeSet<>(Set.of(from));
        List<String> queue = new ArrayList<>(List.of(from));
        while (!queue.isEmpty()) {
            for (String next : uses.getOrDefault(queue.remove(0), Map.of()).keySet()) {
                if (next.equals(to)) {
                    return true;
                }
                if (seen.add(next)) {
                    queue.add(next);
                }
            }
        }
        return false;
    }
}
