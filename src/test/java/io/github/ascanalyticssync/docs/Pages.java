package io.github.ascanalyticssync.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The documentation's pages (README.md, k8s/README.md, docs/*.md), read as GitHub shows them: headings, fenced blocks. */
final class Pages {

    private Pages() {
    }

    /** A fenced shell block, named page#heading-anchor[index under that heading], and its text. */
    record Block(String name, String text) {
    }

    /** Every page: README.md, k8s/README.md, then docs/*.md by name. */
    static List<Path> pages() {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("k8s/README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** Every fenced shell block ({@code bash}, {@code sh}, {@code shell}) of every page, in page order. */
    static List<Block> blocks() {
        List<Block> blocks = new ArrayList<>();
        for (Path page : pages()) {
            String anchor = "";
            Map<String, Integer> counts = new HashMap<>();
            List<String> lines = lines(page);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("```")) {
                    String info = line.substring(3).trim();
                    StringBuilder text = new StringBuilder();
                    for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                        text.append(lines.get(i)).append('\n');
                    }
                    if (info.equals("bash") || info.equals("sh") || info.equals("shell")) {
                        int index = counts.merge(anchor, 1, Integer::sum);
                        blocks.add(new Block(page.toString().replace('\\', '/') + "#" + anchor + "[" + index + "]", text.toString()));
                    }
                } else if (isHeading(line)) {
                    anchor = anchor(line);
                }
            }
        }
        return blocks;
    }

    /** The anchors of the page's headings (outside fenced blocks: a # in a shell comment is not a heading). */
    static Set<String> anchors(Path page) {
        Set<String> anchors = new LinkedHashSet<>();
        for (String line : prose(page).split("\n")) {
            if (isHeading(line)) {
                anchors.add(anchor(line));
            }
        }
        return anchors;
    }

    /** The page's text outside fenced blocks. */
    static String prose(Path page) {
        StringBuilder out = new StringBuilder();
        boolean fence = false;
        for (String line : lines(page)) {
            if (line.startsWith("```")) {
                fence = !fence;
            } else if (!fence) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static boolean isHeading(String line) {
        return line.matches("#{1,6} .*");
    }

    /** GitHub's anchor of a heading line: lower case, punctuation other than - and _ removed, spaces to dashes. */
    private static String anchor(String headingLine) {
        return headingLine.replaceFirst("#+ ", "").toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    private static List<String> lines(Path page) {
        try {
            return Files.readAllLines(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
