package io.github.ascanalyticssync.destination;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.github.ascanalyticssync.config.SyncConfig;

/**
 * The staging folder ({@code <asc.state.dir>/staging}) keeps a verified segment until every destination has it, so
 * that a destination that failed catches up without a second download. Before each sync it is swept: copies that
 * every destination has by now (a run killed between the delivery and the release leaves them) and partial downloads
 * of a run that did not finish are removed.
 */
@ApplicationScoped
public class Staging {

    private static final Logger LOG = Logger.getLogger(Staging.class);
    private static final String STAGED = ".tsv.gz";

    @Inject
    SyncConfig config;

    @Inject
    Destinations destinations;

    public void sweep() {
        Path dir = config.state().dir().resolve("staging");
        if (!Files.isDirectory(dir)) {
            return;
        }
        int removed = 0;
        long bytes = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                boolean partial = name.startsWith(".");
                boolean delivered = !partial && name.endsWith(STAGED)
                        && destinations.lacking(name.substring(0, name.length() - STAGED.length())).isEmpty();
                if (partial || delivered) {
                    bytes += Files.size(file);
                    Files.deleteIfExists(file);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warnf("The staging folder %s could not be swept (%s); it is tried again before the next sync", dir, e.getMessage());
            return;
        }
        if (removed > 0) {
            LOG.infof("Staging folder: removed %d file(s) (%d bytes) that every destination already has, or left by a run that"
                    + " did not finish", removed, bytes);
        }
    }
}
