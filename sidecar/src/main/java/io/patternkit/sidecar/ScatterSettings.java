package io.patternkit.sidecar;

import io.patternkit.sidecar.scatter.DnsLeaves;
import io.patternkit.sidecar.scatter.Leaf;
import io.patternkit.sidecar.scatter.ScatterEngine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything the scatter/gather root sidecar is configured with. Immutable.
 *
 * @param bind the address to listen on
 * @param port the port, 0 for an ephemeral one
 * @param token the API token, or empty for no authentication; sent to leaves too; never logged
 * @param maxBodyBytes the largest request body, in bytes
 * @param maxResponseBytes the largest leaf or merge answer, in bytes; a larger one fails the attempt
 * @param defaultDeadline the deadline of scatter calls that do not say
 * @param staticLeaves the leaves named on the command line
 * @param dnsLeaves the DNS names whose addresses are leaves
 * @param dnsInterval how often DNS names are resolved again
 * @param maxConnectionsPerLeaf the most pooled connections to one leaf host and port
 * @param engine latency tracking and hedge budget settings
 * @param drainTimeout the longest wait for in-flight scatter calls on shutdown
 */
public record ScatterSettings(String bind, int port, Optional<String> token, long maxBodyBytes, long maxResponseBytes,
                              Duration defaultDeadline, List<Leaf> staticLeaves, List<DnsLeaves> dnsLeaves,
                              Duration dnsInterval, int maxConnectionsPerLeaf, ScatterEngine.Settings engine,
                              Duration drainTimeout) {
    /** Copies the lists. */
    public ScatterSettings {
        staticLeaves = List.copyOf(staticLeaves);
        dnsLeaves = List.copyOf(dnsLeaves);
    }

    /** Hides the token from logs and exception messages. */
    @Override
    public String toString() {
        return "ScatterSettings[bind=" + bind + ", port=" + port + ", token=" + (token.isPresent() ? "***" : "none")
                + ", staticLeaves=" + staticLeaves.size() + ", dnsLeaves=" + dnsLeaves + "]";
    }
}
