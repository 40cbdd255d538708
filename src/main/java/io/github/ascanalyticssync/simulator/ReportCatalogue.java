package io.github.ascanalyticssync.simulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.ascanalyticssync.simulator.Model.Category;
import io.github.ascanalyticssync.simulator.Model.Granularity;

/**
 * The report types every request offers, read from {@code simulator/reports.tsv}: Apple's names, categories and
 * {@code r<N>} codes where known, the granularities each produces and its header columns.
 */
public class ReportCatalogue {

    static final String RESOURCE = "simulator/reports.tsv";

    /**
     * One report type: {@code code} is the {@code r<N>} prefix of every report id of this type. {@code historyStart}
     * is the first {@code Date} its rows may carry (empty: the configured default); {@code minUsers} is Apple's privacy
     * threshold, the fewest users or devices a row may count (0: none).
     */
    public record ReportType(String code, String name, Category category, Set<Granularity> granularities,
            int completenessDays, Optional<LocalDate> historyStart, int minUsers, List<String> columns) {

        /** The upper-case key used in object-storage paths, as in Apple's {@code APP_CRASHES_PRIMARY}. */
        public String storageKey() {
            return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_|_$", "");
        }
    }

    private final List<ReportType> types;
    private final Map<String, ReportType> byCode;

    public ReportCatalogue() {
        this(load());
    }

    ReportCatalogue(List<ReportType> types) {
        this.types = List.copyOf(types);
        Map<String, ReportType> index = new HashMap<>();
        types.forEach(t -> index.put(t.code(), t));
        this.byCode = Collections.unmodifiableMap(index);
    }

    public List<ReportType> all() {
        return types;
    }

    public Optional<ReportType> byCode(String code) {
        return Optional.ofNullable(byCode.get(code));
    }

    static List<ReportType> load() {
        InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("The simulator's report catalogue " + RESOURCE + " is missing from the classpath");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return parse(reader.lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ReportType> parse(List<String> lines) {
        Map<String, List<String>> columnSets = new LinkedHashMap<>();
        List<String[]> rows = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (line.startsWith("@")) {
                columnSets.put(f[0], Arrays.asList(f[1].split(",")));
                continue;
            }
            if (f.length != 8) {
                throw new IllegalStateException(RESOURCE + ": expected 8 tab-separated fields in line: " + line);
            }
            if (!f[0].isEmpty()) {
                taken.add(Integer.parseInt(f[0].substring(1)));
            }
            rows.add(f);
        }
        List<ReportType> result = new ArrayList<>();
        int next = 1;
        for (String[] f : rows) {
            String code = f[0];
            if (code.isEmpty()) {
                while (taken.contains(next)) {
                    next++;
                }
                taken.add(next);
                code = "r" + next;
            }
            EnumSet<Granularity> granularities = EnumSet.noneOf(Granularity.class);
            for (String g : f[3].split(",")) {
                granularities.add(Granularity.valueOf(g));
            }
            List<String> columns = f[7].startsWith("@") ? columnSets.get(f[7]) : Arrays.asList(f[7].split(","));
            if (columns == null) {
                throw new IllegalStateException(RESOURCE + ": unknown column set " + f[7]);
            }
            Optional<LocalDate> history = f[5].isEmpty() ? Optional.empty() : Optional.of(LocalDate.parse(f[5]));
            int minUsers = f[6].isEmpty() ? 0 : Integer.parseInt(f[6]);
            result.add(new ReportType(code, f[1], Category.valueOf(f[2]), Collections.unmodifiableSet(granularities),
                    Integer.parseInt(f[4]), history, minUsers, List.copyOf(columns)));
        }
        return result;
    }
}
