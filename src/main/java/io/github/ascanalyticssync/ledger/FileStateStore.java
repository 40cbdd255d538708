package io.github.ascanalyticssync.ledger;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state store of a single replica: a properties file under {@code asc.state.dir}, read once, rewritten whole
 * under a temporary name and renamed on every change, so a crash leaves the old or the new file, never half of one.
 */
public final class FileStateStore implements StateStore {

    private final Path file;
    private final Map<String, String> values = new ConcurrentHashMap<>();

    public FileStateStore(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("The state file " + file.toAbsolutePath() + " cannot be read (" + e.getMessage()
                        + "); restore it from a backup, or delete it (the next sync then lists every instance in retention again; the ledgers"
                        + " keep what was delivered)", e);
            }
            p.forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
        }
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public synchronized void put(String key, String value) {
        if (value.equals(values.put(key, value))) {
            return;
        }
        write();
    }

    @Override
    public synchronized void remove(String key) {
        if (values.remove(key) != null) {
            write();
        }
    }

    @Override
    public synchronized void clear() {
        values.clear();
        write();
    }

    private void write() {
        Properties p = new Properties();
        p.putAll(values);
        java.io.StringWriter text = new java.io.StringWriter();
        try {
            p.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // sorted, without the date comment, so that the file reads and diffs well
        String body = text.toString().lines().filter(l -> !l.startsWith("#")).sorted().collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        Path tmp = file.resolveSibling("." + file.getFileName() + ".part");
        try {
            Files.createDirectories(file.getParent());
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                out.write("# asc-analytics-sync state: watermarks, complete listings, snapshot requests\n");
                out.write(body);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("The state file " + file.toAbsolutePath() + " cannot be written (" + e.getMessage() + ")", e);
        }
    }
}
