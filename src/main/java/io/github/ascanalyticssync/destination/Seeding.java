package io.github.ascanalyticssync.destination;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.config.SyncConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Fills a destination from a folder in the project's layout (the local folder, or a copy of any destination), through
 * the destination's own route, so that its ledger records each file once it is confirmed: how a destination added to a
 * running installation gets what Apple no longer serves ({@code asc.sync.mode=seed}). Instance by instance, the
 * segments first, then the manifest; what the destination already has is skipped.
 */
@RegisterForReflection
@ApplicationScoped
@Named("seeding")
public class Seeding {

    private static final Logger LOG = Logger.getLogger(Seeding.class);
    private static final String SEGMENT = ".tsv.gz";

    @Inject
    Destinations destinations;

    @Inject
    ProducerTemplate producer;

    @Inject
    ObjectMapper json;

    @Inject
    SyncConfig config;

    /** What a seed did. */
    public record Outcome(long delivered, long alreadyThere, long failed) {
    }

    /** {@code asc.sync.mode=seed}: seeds {@code asc.seed.to} from {@code asc.seed.from}, then ends the process (0: all there). */
    public void run() {
        int code;
        try {
            Path from = config.seed().from().orElseThrow(() -> new IllegalArgumentException(
                    "asc.sync.mode=seed needs asc.seed.from, the folder to copy from (for example data/reports)"));
            String to = config.seed().to().orElseThrow(() -> new IllegalArgumentException(
                    "asc.sync.mode=seed needs asc.seed.to, the name of the destination to fill (its route is deliver-<name>)"));
            code = seed(from, to).failed() == 0 ? 0 : 1;
        } catch (IllegalArgumentException | IOException e) {
            LOG.error(e.getMessage());
            code = 2;
        }
        Quarkus.asyncExit(code);
    }

    public Outcome seed(Path from, String destination) throws IOException {
        if (!destinations.names().contains(destination)) {
            throw new IllegalArgumentException("asc.seed.to names " + destination + ", which is not a destination here; the destinations are "
                    + destinations.names() + " (routes deliver-<name>: the built-in routes and those of asc.routes.dir)");
        }
        if (!Files.isDirectory(from)) {
            throw new IllegalArgumentException("asc.seed.from names " + from.toAbsolutePath() + ", which is not a folder");
        }
        Tally counts = new Tally();
        List<Path> manifests;
        try (Stream<Path> walk = Files.walk(from)) {
            manifests = walk.filter(p -> p.getFileName().toString().equals(Layout.MANIFEST)).sorted().toList();
        }
        for (Path manifest : manifests) {
            JsonNode instance = json.readTree(manifest.toFile());
            for (JsonNode segment : instance.path("segments")) {
                String id = segment.path("segmentId").asText();
                send(from, manifest.resolveSibling(id + SEGMENT), destination, instance, id, "segment", counts);
            }
            send(from, manifest, destination, instance, "manifest:" + instance.path("instanceId").asText(), "manifest", counts);
        }
        Outcome outcome = new Outcome(counts.delivered, counts.alreadyThere, counts.failed);
        LOG.infof("Seeded destination %s from %s: %d file(s) delivered, %d already there, %d failed", destination, from.toAbsolutePath(),
                outcome.delivered(), outcome.alreadyThere(), outcome.failed());
        return outcome;
    }

    /** The files of one seed, counted as it goes: delivered, already in the destination, not delivered. */
    private static final class Tally {
        long delivered;
        long alreadyThere;
        long failed;
    }

    private void send(Path root, Path file, String destination, JsonNode instance, String deliveryId, String kind, Tally counts)
            throws IOException {
        if (destinations.has(destination, deliveryId)) {
            counts.alreadyThere++;
            return;
        }
        if (!Files.isRegularFile(file)) {
            LOG.warnf("Seeding %s: %s is missing from %s; it is not delivered", destination, file.getFileName(), root);
            counts.failed++;
            return;
        }
        String md5 = md5(file);
        Exchange done = producer.send("direct:" + Destinations.PREFIX + destination, e -> {
            for (Map.Entry<String, String> v : Map.of("appId", "appId", "reportId", "reportId", "reportName", "reportName",
                    "reportCategory", "category", "accessType", "accessType", "granularity", "granularity", "processingDate",
                    "processingDate", "instanceId", "instanceId").entrySet()) {
                e.setVariable(v.getKey(), instance.path(v.getValue()).asText(null));
            }
            e.setVariable("reportSlug", Layout.slug(instance.path("reportName").asText()));
            e.setVariable("segmentId", "segment".equals(kind) ? deliveryId : null);
            e.setVariable("deliveryId", deliveryId);
            e.setVariable("deliveryKind", kind);
            e.setVariable("segmentSize", Files.size(file));
            e.getMessage().setBody(file.toFile());
            e.getMessage().setHeader("file", root.relativize(file).toString().replace('\\', '/'));
            Manifests.objectHeaders(e, "segment".equals(kind) ? "application/gzip" : "application/json", md5);
        });
        if (done.getException() == null && destinations.has(destination, deliveryId)) {
            counts.delivered++;
        } else {
            counts.failed++;
        }
    }

    private static String md5(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("MD5"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
