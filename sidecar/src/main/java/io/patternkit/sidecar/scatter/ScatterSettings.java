package io.patternkit.sidecar.scatter;

import java.time.Duration;
import java.util.List;

/**
 * What scatter/gather is configured with, beyond the host. Immutable.
 *
 * @param maxResponseBytes the largest leaf or merge answer, in bytes; a larger one fails the attempt
 * @param defaultDeadline the deadline of scatter calls that do not say
 * @param staticLeaves the leaves named on the command line
 * @param dnsLeaves the DNS names whose addresses are leaves
 * @param dnsInterval how often DNS names are resolved again
 * @param maxConnectionsPerLeaf the most pooled connections to one leaf host and port
 * @param leafConnectTimeout how long a connection attempt to a leaf or merge container may take before it gives up
 *     and frees its place among {@code maxConnectionsPerLeaf}
 * @param engine latency tracking and hedge budget settings
 * @param leafTls how {@code https} leaves and merge containers are verified
 */
public record ScatterSettings(long maxResponseBytes, Duration defaultDeadline, List<Leaf> staticLeaves,
                              List<DnsLeaves> dnsLeaves, Duration dnsInterval, int maxConnectionsPerLeaf,
                              Duration leafConnectTimeout, ScatterEngine.Settings engine, LeafTls leafTls) {
    /**
     * Copies the lists.
     *
     * @param maxResponseBytes the largest leaf or merge answer, in bytes; a larger one fails the attempt
     * @param defaultDeadline the deadline of scatter calls that do not say
     * @param staticLeaves the leaves named on the command line
     * @param dnsLeaves the DNS names whose addresses are leaves
     * @param dnsInterval how often DNS names are resolved again
     * @param maxConnectionsPerLeaf the most pooled connections to one leaf host and port
     * @param leafConnectTimeout how long a connection attempt to a leaf or merge container may take before it gives up
     *     and frees its place among {@code maxConnectionsPerLeaf}
     * @param engine latency tracking and hedge budget settings
     * @param leafTls how {@code https} leaves and merge containers are verified
     */
    public ScatterSettings {
        staticLeaves = List.copyOf(staticLeaves);
        dnsLeaves = List.copyOf(dnsLeaves);
    }
}
