package io.github.ascanalyticssync.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** File helpers for tests. */
public final class TestFiles {

    private TestFiles() {
    }

    /**
     * A destination as a user adds one: a route file holding one templatedRoute of the template destination, its name
     * and its sink (a Kamelet URI).
     */
    public static String destinationRoute(String name, String sink) {
        return """
                - templatedRoute:
                    routeTemplateRef: destination
                    routeId: deliver-%s
                    parameters:
                      - name: name
                        value: %s
                      - name: sink
                        value: "%s"
                """.formatted(name, name, sink);
    }

    /** The MD5 of a file, in hex, as App Store Connect announces segment checksums. */
    public static String md5(java.nio.file.Path file) {
        try (java.io.InputStream in = new java.security.DigestInputStream(java.nio.file.Files.newInputStream(file),
                java.security.MessageDigest.getInstance("MD5"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return java.util.HexFormat.of().formatHex(((java.security.DigestInputStream) in).getMessageDigest().digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Relative path to MD5, for every file under root (temporary files included), in the order of the paths. */
    public static Map<String, String> md5Tree(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), md5(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Copies a folder and everything below it. */
    public static void copyTree(Path from, Path to) {
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(p, target);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
