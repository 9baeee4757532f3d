package io.patternkit.sidecar.scatter;

import static io.patternkit.sidecar.common.OptionChecks.require;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Scatter/gather's command-line options, mixed into {@code scatter} and {@code run}. */
public final class ScatterOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--leaf", paramLabel = "POOL/SHARD=URL",
            description = "A static leaf: pool, shard and leaf call URL; repeat for more shards and replicas.")
    List<String> leaves = new ArrayList<>();

    @Option(names = "--dns-leaves", paramLabel = "POOL=HOST:PORT/PATH",
            description = "A DNS name (such as a Kubernetes headless Service) whose addresses are the pool's leaves; "
                + "each is asked GET http://ADDRESS:PORT/PATH for its shard. Repeatable.")
    List<String> dnsLeaves = new ArrayList<>();

    @Option(names = "--dns-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "How often --dns-leaves names are resolved again (default: ${DEFAULT-VALUE}).")
    Duration dnsInterval;

    @Option(names = "--default-deadline", defaultValue = "1s", converter = DurationConverter.class,
            description = "Deadline of scatter calls that do not say, 1ms to 60s (default: ${DEFAULT-VALUE}).")
    Duration defaultDeadline;

    @Option(names = "--max-response-bytes", defaultValue = "1048576",
            description = "Largest leaf or merge answer in bytes; a larger one fails that attempt (default: ${DEFAULT-VALUE}).")
    long maxResponseBytes;

    @Option(names = "--max-connections-per-leaf", defaultValue = "64",
            description = "Most pooled connections to one leaf (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerLeaf;

    @Option(names = "--leaf-connect-timeout", defaultValue = "2s", converter = DurationConverter.class,
            description = "How long a connection attempt to a leaf or merge container may take, 1ms to 60s, and "
                + "then as long for its TLS handshake; one that outlives its call still holds a "
                + "--max-connections-per-leaf place until then. The default lets one lost SYN be sent again "
                + "(default: ${DEFAULT-VALUE}).")
    Duration leafConnectTimeout;

    @Option(names = "--latency-window", defaultValue = "30s", converter = DurationConverter.class,
            description = "How much recent leaf latency the hedge delay percentile covers (default: ${DEFAULT-VALUE}).")
    Duration latencyWindow;

    @Option(names = "--hedge-min-samples", defaultValue = "20",
            description = "Answered leaf requests a pool needs in the window before its percentile sets the hedge delay; "
                + "until then the call's maxDelayMs is used (default: ${DEFAULT-VALUE}).")
    long minSamples;

    @Option(names = "--hedge-burst", defaultValue = "10",
            description = "Hedged requests a pool may send within any 10 s beyond maxExtraLoadPercent of that window's first requests (default: ${DEFAULT-VALUE}).")
    int hedgeBurst;

    @Option(names = "--leaf-ca", paramLabel = "FILE",
            description = "PEM certificates of the authorities trusted for https leaves and merge containers "
                + "(default: the JVM's trust store). The token goes to leaves over https, or over http to loopback only.")
    Path leafCa;

    @Option(names = "--leaf-tls-server-name", paramLabel = "NAME",
            description = "Verify every https leaf's and merge container's certificate against NAME (sent as SNI and "
                + "Host) instead of the host in its URL: leaves reached by pod address share one certificate for "
                + "their Service's name, such as leaves.search.svc.")
    String leafTlsServerName;

    /**
     * Checks the options and parses the static and DNS leaves.
     *
     * @return the settings
     * @throws ParameterException when an option is out of range or a leaf is malformed
     */
    public ScatterSettings settings() {
        require(mixee, maxResponseBytes >= 1024, "--max-response-bytes must be at least 1024");
        require(mixee, defaultDeadline.toMillis() >= 1 && defaultDeadline.toMillis() <= Wire.MAX_SCATTER_DEADLINE_MS,
                "--default-deadline must be 1ms to 60s");
        require(mixee, dnsInterval.toMillis() >= 100, "--dns-interval must be at least 100ms");
        require(mixee, latencyWindow.toMillis() >= 600, "--latency-window must be at least 600ms");
        require(mixee, minSamples >= 1, "--hedge-min-samples must be at least 1");
        require(mixee, hedgeBurst >= 1, "--hedge-burst must be at least 1");
        require(mixee, maxConnectionsPerLeaf >= 1, "--max-connections-per-leaf must be at least 1");
        require(mixee, leafConnectTimeout.toMillis() >= 1 && leafConnectTimeout.toMillis() <= 60_000,
                "--leaf-connect-timeout must be 1ms to 60s");
        return new ScatterSettings(maxResponseBytes, defaultDeadline, staticLeaves(), dnsLeaves(), dnsInterval,
                maxConnectionsPerLeaf, leafConnectTimeout, new ScatterEngine.Settings(latencyWindow, 6, minSamples, hedgeBurst),
                new LeafTls(Optional.ofNullable(leafCa), Optional.ofNullable(leafTlsServerName)));
    }

    private List<Leaf> staticLeaves() {
        List<Leaf> fixed = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String leaf : leaves) {
            Leaf parsed;
            try {
                parsed = StaticLeaf.parse(leaf);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(mixee.commandLine(), "--leaf " + e.getMessage());
            }
            String id = parsed.leafId();
            for (int n = 2; !ids.add(parsed.pool() + '/' + id); n++) {
                id = parsed.leafId() + "-" + n;
            }
            fixed.add(new Leaf(parsed.pool(), parsed.shard(), id, parsed.url(), parsed.source(), parsed.expiresAtNanos()));
        }
        return fixed;
    }

    private List<DnsLeaves> dnsLeaves() {
        List<DnsLeaves> dns = new ArrayList<>();
        for (String name : dnsLeaves) {
            try {
                dns.add(DnsLeaves.parse(name));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(mixee.commandLine(), "--dns-leaves " + e.getMessage());
            }
        }
        return dns;
    }
}
