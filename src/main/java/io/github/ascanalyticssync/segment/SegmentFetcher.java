package io.github.ascanalyticssync.segment;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import io.quarkus.runtime.annotations.RegisterForReflection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.ledger.StateStore;
import io.github.ascanalyticssync.simulator.Endpoints;
import io.github.ascanalyticssync.simulator.SimulatorConfig;
import io.github.ascanalyticssync.sync.SyncConfig;
import io.github.ascanalyticssync.sync.SyncRun;

/**
 * The segment stage's Java part: a verified staged copy of the segment (reused when an earlier run left one), and
 * its facts for the manifest, kept under {@code <state>/segments} (in the shared state store with jdbc) until the
 * instance is complete.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("segmentFetcher")
public class SegmentFetcher {

    private static final String FACTS = "facts/";

    private final ObjectMapper json = new ObjectMapper();
    private final SegmentDownloader downloader;
    private final Path factsDir;
    private final SyncRun run;

    private final StateStore state;

    @Inject
    public SegmentFetcher(SyncConfig config, SimulatorConfig simulator, Endpoints endpoints, SyncRun run, StateStore state) {
        this.state = state;
        String simulatorStorage = config.sync().download().simulatorStorageUrl().orElse(null);
        if (simulatorStorage != null) {
            String host = java.net.URI.create(simulatorStorage).getHost();
            if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
                throw new IllegalStateException("asc.sync.download.simulator-storage-url must point at this host (127.0.0.1 or localhost), not "
                        + simulatorStorage);
            }
        } else if (simulator.enabled() && endpoints.awaitBound(java.time.Duration.ofSeconds(30))) {
            simulatorStorage = endpoints.storageBaseUrl();
        }
        Path stateDir = config.state().dir();
        this.downloader = new SegmentDownloader(stateDir.resolve("staging"), config.sync().download().allowedHosts(), simulatorStorage,
                config.api().connectTimeout(), config.sync().download().readTimeout());
        this.factsDir = stateDir.resolve("segments");
        this.run = run;
    }

    /** Body becomes the staged file; downloads it first unless a verified copy is already staged. */
    public File fetch(Exchange exchange) throws IOException {
        Message m = exchange.getMessage();
        String id = m.getHeader("segmentId", String.class);
        Path staged = downloader.staged(id);
        if (!Files.exists(staged) || !hasFacts(id)) {
            staged = downloader.download(id, m.getHeader("segmentUrl", String.class), m.getHeader("segmentSize", Long.class),
                    m.getHeader("segmentChecksum", String.class));
            saveFacts(SegmentDownloader.facts(id, m.getHeader("segmentChecksum", String.class), staged));
            run.downloaded(m.getHeader("appId", String.class), Files.size(staged));
        }
        return staged.toFile();
    }

    public void discardStaged(String segmentId) {
        try {
            Files.deleteIfExists(downloader.staged(segmentId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path factsFile(String segmentId) {
        return factsDir.resolve(segmentId + ".json");
    }

    private void saveFacts(SegmentFacts facts) throws IOException {
        if (state.shared()) {
            // another replica may have to write the manifest
            state.put(FACTS + facts.id(), json.writeValueAsString(facts));
            return;
        }
        Files.createDirectories(factsDir);
        Path tmp = factsDir.resolve("." + facts.id() + ".json.tmp");
        json.writeValue(tmp.toFile(), facts);
        Files.move(tmp, factsFile(facts.id()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public SegmentFacts facts(String segmentId) throws IOException {
        if (state.shared()) {
            var stored = state.get(FACTS + segmentId);
            return stored.isPresent() ? json.readValue(stored.get(), SegmentFacts.class) : null;
        }
        Path file = factsFile(segmentId);
        return Files.exists(file) ? json.readValue(file.toFile(), SegmentFacts.class) : null;
    }

    public boolean hasFacts(String segmentId) {
        return state.shared() ? state.get(FACTS + segmentId).isPresent() : Files.exists(factsFile(segmentId));
    }

    public void forgetFacts(String segmentId) throws IOException {
        if (state.shared()) {
            state.remove(FACTS + segmentId);
        } else {
            Files.deleteIfExists(factsFile(segmentId));
        }
    }
}
