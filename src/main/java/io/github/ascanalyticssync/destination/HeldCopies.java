package io.github.ascanalyticssync.destination;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.ascanalyticssync.api.ApiValues;
import io.github.ascanalyticssync.api.JsonApi;
import io.github.ascanalyticssync.config.SyncConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The copies the installation already holds: the local folder ({@code asc.destinations.local.path}, destination
 * {@code local}). A destination that lacks a segment the local folder holds gets that copy (verified against the
 * record: size and MD5, then staged like a download) instead of a download from Apple; an instance whose every
 * segment the local folder holds (its {@code _manifest.json} delivered there, each segment recorded in the ledger and
 * its file of the recorded size) is not even listed: its segments are taken from that manifest, without an API call.
 */
// the routes in routes/ call its methods by name, also in a native image
@RegisterForReflection
@ApplicationScoped
@Named("heldCopies")
public class HeldCopies {

    private static final Logger LOG = Logger.getLogger(HeldCopies.class);
    /** The destination whose files serve as copies. */
    public static final String SOURCE = "local";
    private static final Pattern MD5 = Pattern.compile("[0-9a-fA-F]{32}");

    @Inject
    Destinations destinations;

    @Inject
    SyncConfig config;

    /** The local folder's prefix, if its route sets one (read once, not per file). */
    @ConfigProperty(name = "asc.destinations." + SOURCE + ".prefix")
    Optional<String> prefix;

    @Inject
    ObjectMapper json;

    /**
     * Variable {@code held}: true for an instance whose every segment the local folder holds; the variable {@code page}
     * then becomes its segments as the manifest there records them (id, size, checksum; no URL), and the listing is
     * skipped (variable {@code next} removed). False, and nothing else changed, otherwise: its segments are listed.
     */
    public void hold(Exchange exchange) {
        exchange.setVariable("held", held(exchange));
    }

    private boolean held(Exchange exchange) {
        String instanceId = exchange.getVariable("instanceId", String.class);
        String dir = exchange.getVariable("instanceDir", String.class);
        if (!destinations.names().contains(SOURCE) || !destinations.has(SOURCE, "manifest:" + instanceId)) {
            return false;
        }
        Path manifest = file(Layout.manifestFile(dir));
        JsonNode recorded;
        try {
            recorded = json.readTree(manifest.toFile());
        } catch (IOException e) {
            LOG.debugf("Instance %s: the manifest %s cannot be read (%s); its segments are listed", instanceId, manifest, e.getMessage());
            return false;
        }
        if (recorded == null || !instanceId.equals(recorded.path("instanceId").asText(null)) || !recorded.path("segments").isArray()) {
            return false;
        }
        List<JsonApi.Resource> segments = new ArrayList<>();
        for (JsonNode s : recorded.path("segments")) {
            String id = s.path("segmentId").asText(null);
            String checksum = s.path("checksum").asText("");
            JsonNode size = s.path("sizeInBytes");
            if (!ApiValues.isId(id) || !MD5.matcher(checksum).matches() || !size.canConvertToLong() || size.asLong() < 0
                    || !destinations.has(SOURCE, id) || !hasSize(file(Layout.segmentFile(dir, id)), size.asLong())) {
                LOG.debugf("Instance %s: segment %s is not held as recorded in %s; its segments are listed", instanceId, id, manifest);
                return false;
            }
            segments.add(new JsonApi.Resource("analyticsReportSegments", id,
                    new JsonApi.Attributes(null, null, null, null, null, null, null, checksum, size.asLong(), null)));
        }
        exchange.setVariable("page", new JsonApi.Document(segments, null, null));
        exchange.removeVariable("next");
        return true;
    }

    /**
     * The local folder's copy of the segment in the variables ({@code segmentId}, {@code instanceDir},
     * {@code segmentSize}): the ledger records it delivered there and its file has the size the listing or manifest
     * records. Null when there is none; its MD5 is checked when it is staged.
     */
    public Path copyOf(Exchange exchange) {
        String id = exchange.getVariable("segmentId", String.class);
        String dir = exchange.getVariable("instanceDir", String.class);
        Long size = exchange.getVariable("segmentSize", Long.class);
        if (id == null || dir == null || size == null || !destinations.names().contains(SOURCE) || !destinations.has(SOURCE, id)) {
            return null;
        }
        Path file = file(Layout.segmentFile(dir, id));
        return Files.isRegularFile(file) ? file : null;
    }

    /** A file of the local folder, by its path in the layout (after the destination's prefix, when it has one). */
    Path file(String relative) {
        return config.destinations().local().path().resolve(prefix.orElse("") + relative);
    }

    private static boolean hasSize(Path file, long size) {
        try {
            return Files.isRegularFile(file) && Files.size(file) == size;
        } catch (IOException e) {
            return false;
        }
    }
}
