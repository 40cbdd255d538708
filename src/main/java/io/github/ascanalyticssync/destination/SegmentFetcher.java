package io.github.ascanalyticssync.destination;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import io.quarkus.runtime.annotations.RegisterForReflection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.config.SyncConfig;
import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.segment.SegmentDownloader;
import io.github.ascanalyticssync.segment.SegmentFacts;
import io.github.ascanalyticssync.segment.SegmentUrlRefresher;

/**
 * The segment stage's Java part: a verified staged copy of the segment (reused when an earlier run left one), and
 * its facts for the manifest, found by the download's single pass over the bytes and kept under {@code <state>/segments} (in the shared state store with jdbc) until the
 * instance is complete.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("segmentFetcher")
public class SegmentFetcher {

    private static final String FACTS = "facts/";
    private static final String COPY_REFUSED = "copyRefused";

    private final ObjectMapper json = new ObjectMapper();
    private final SegmentDownloader downloader;
    private final FactsStore facts;
    /** To the run's tally, above this layer: a segment downloaded, and a held copy that was not used. */
    public record Downloaded(String appId, long bytes) {
    }

    public record CopyRefused(String warning) {
    }

    private final Event<Downloaded> downloaded;
    private final Event<CopyRefused> copyRefused;

    @Inject
    HeldCopies copies;

    @Inject
    SegmentUrlRefresher urlRefresher;

    @Inject
    public SegmentFetcher(SyncConfig config, StateStore state, Event<Downloaded> downloaded, Event<CopyRefused> copyRefused) {
        String simulatorStorage = config.sync().download().simulatorStorageUrl().orElse(null);
        if (simulatorStorage != null) {
            String host = java.net.URI.create(simulatorStorage).getHost();
            if (!"127.0.0.1".equals(host) && !"localhost".equals(host) && !"[::1]".equals(host)) {
                throw new IllegalStateException("asc.sync.download.simulator-storage-url must point at this host (127.0.0.1, localhost or [::1]),"
                        + " not " + simulatorStorage);
            }
        }
        Path stateDir = config.state().dir();
        this.downloader = new SegmentDownloader(stateDir.resolve("staging"), config.sync().download().allowedHosts(), simulatorStorage,
                config.sync().download().connectTimeout(), config.sync().download().readTimeout());
        this.facts = state.shared() ? inState(state) : inFolder(stateDir.resolve("segments"));
        this.downloaded = downloaded;
        this.copyRefused = copyRefused;
    }

    /** Body becomes the staged file; downloads it first unless a verified copy is already staged. */
    public File fetch(Exchange exchange) throws IOException {
        String id = exchange.getVariable("segmentId", String.class);
        Path staged = downloader.staged(id);
        if (!Files.exists(staged) || !hasFacts(id)) {
            SegmentDownloader.Staged fresh = fromCopy(exchange, id);
            if (fresh == null) {
                if (exchange.getVariable("segmentUrl") == null) {
                    // taken from a held instance's manifest, which records no URL: one call for it
                    urlRefresher.refresh(exchange);
                }
                fresh = downloader.download(id, exchange.getVariable("segmentUrl", String.class),
                        exchange.getVariable("segmentSize", Long.class), exchange.getVariable("segmentChecksum", String.class));
                downloaded.fire(new Downloaded(exchange.getVariable("appId", String.class), fresh.facts().sizeInBytes()));
            }
            saveFacts(fresh.facts());
            staged = fresh.file();
        }
        return staged.toFile();
    }

    /**
     * The copy the local folder holds, staged once its size and MD5 match the record (the listing's, or the held
     * manifest's) and it reads as a segment; null when there is none or it does not match. A copy that does not match
     * is said once (a warning of the sync) and not tried again on the download's retries.
     */
    private SegmentDownloader.Staged fromCopy(Exchange exchange, String id) {
        if (Boolean.TRUE.equals(exchange.getVariable(COPY_REFUSED, Boolean.class))) {
            return null;
        }
        Path copy = copies.copyOf(exchange);
        if (copy == null) {
            return null;
        }
        return downloader.copy(id, copy, exchange.getVariable("segmentSize", Long.class),
                exchange.getVariable("segmentChecksum", String.class), why -> {
                    exchange.setVariable(COPY_REFUSED, true);
                    copyRefused.fire(new CopyRefused("Segment " + id + ": the copy " + copy.toAbsolutePath() + " that destination " + HeldCopies.SOURCE
                            + " holds does not match its record (" + why + "); it is not used, the segment is downloaded from App Store"
                            + " Connect instead"));
                });
    }

    public void discardStaged(String segmentId) {
        try {
            Files.deleteIfExists(downloader.staged(segmentId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where facts live, chosen once: per-segment files, or the shared state store (another replica may write the manifest). */
    private interface FactsStore {
        Optional<String> get(String segmentId) throws IOException;

        void put(String segmentId, String facts) throws IOException;

        void remove(String segmentId) throws IOException;
    }

    private static FactsStore inState(StateStore state) {
        return new FactsStore() {
            public Optional<String> get(String id) {
                return state.get(FACTS + id);
            }

            public void put(String id, String facts) {
                state.put(FACTS + id, facts);
            }

            public void remove(String id) {
                state.remove(FACTS + id);
            }
        };
    }

    /** One JSON file per segment, written under a temporary name and renamed. */
    private static FactsStore inFolder(Path dir) {
        return new FactsStore() {
            public Optional<String> get(String id) throws IOException {
                Path file = dir.resolve(id + ".json");
                return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
            }

            public void put(String id, String facts) throws IOException {
                Files.createDirectories(dir);
                Path tmp = dir.resolve("." + id + ".json.tmp");
                Files.writeString(tmp, facts);
                Files.move(tmp, dir.resolve(id + ".json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }

            public void remove(String id) throws IOException {
                Files.deleteIfExists(dir.resolve(id + ".json"));
            }
        };
    }

    private void saveFacts(SegmentFacts facts) throws IOException {
        this.facts.put(facts.id(), json.writeValueAsString(facts));
    }

    public SegmentFacts facts(String segmentId) throws IOException {
        Optional<String> stored = facts.get(segmentId);
        return stored.isPresent() ? json.readValue(stored.get(), SegmentFacts.class) : null;
    }

    public boolean hasFacts(String segmentId) {
        try {
            return facts.get(segmentId).isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void forgetFacts(String segmentId) throws IOException {
        facts.remove(segmentId);
    }
}
