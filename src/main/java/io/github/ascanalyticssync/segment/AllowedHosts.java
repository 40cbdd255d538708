package io.github.ascanalyticssync.segment;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The hosts a segment URL may point at ({@code asc.sync.download.allowed-hosts}; {@code *.example.com} for its
 * subdomains), over https only; and the simulator's storage over http when it runs here.
 */
final class AllowedHosts {

    private final List<String> hosts;
    private final String simulatorStorage;

    /** @param simulatorStorage the simulator's storage base URL when it runs here, else null */
    AllowedHosts(List<String> hosts, String simulatorStorage) {
        this.hosts = hosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
        this.simulatorStorage = simulatorStorage;
    }

    /** Refuses a URL that is not https or whose host is not allowed. */
    void check(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (simulatorStorage != null) {
            URI sim = URI.create(simulatorStorage);
            if (host.equalsIgnoreCase(sim.getHost()) && uri.getPort() == sim.getPort() && "http".equalsIgnoreCase(uri.getScheme())) {
                return;
            }
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new SegmentDownloadException.ForbiddenHost("A segment URL for " + host + " is not https; it is not fetched");
        }
        for (String pattern : hosts) {
            if (pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) : host.equals(pattern)) {
                return;
            }
        }
        throw new SegmentDownloadException.ForbiddenHost("A segment URL points at " + host
                + ", which is not in asc.sync.download.allowed-hosts " + hosts + "; it is not fetched");
    }
}
