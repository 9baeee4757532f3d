package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.NameRule;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DNS name whose addresses are a pool's leaves, as given by {@code --dns-leaves
 * pool=[https://]host:port/path} (a Kubernetes headless Service, for instance). Each address is asked its
 * shard and leaf id with {@code GET http://address:port/path} (leaf info), or over {@code https} when the
 * option says so (the certificate verified against {@code --leaf-tls-server-name}, since it cannot name every
 * pod address).
 *
 * @param pool the pool
 * @param scheme {@code http} or {@code https}
 * @param host the DNS name
 * @param port the leaves' port
 * @param path the leaf path, starting with {@code /}
 */
public record DnsLeaves(String pool, String scheme, String host, int port, String path) {
    private static final Pattern SPEC = Pattern.compile("([^=]+)=(https://)?([A-Za-z0-9.-]+):(\\d{1,5})(/\\S*)");

    /**
     * Parses {@code pool=[https://]host:port/path}.
     *
     * @param spec the option value
     * @return the parsed value
     * @throws IllegalArgumentException when it is malformed
     */
    public static DnsLeaves parse(String spec) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches() || !NameRule.POOL.matches(m.group(1))) {
            throw new IllegalArgumentException("'" + spec + "' is not pool=[https://]host:port/path");
        }
        int port = Integer.parseInt(m.group(4));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + spec + "' has a port out of range");
        }
        return new DnsLeaves(m.group(1), m.group(2) == null ? "http" : "https", m.group(3), port, m.group(5));
    }
}
