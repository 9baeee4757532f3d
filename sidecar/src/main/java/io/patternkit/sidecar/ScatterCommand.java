package io.patternkit.sidecar;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.http.ApiToken;
import io.patternkit.sidecar.scatter.DnsLeaves;
import io.patternkit.sidecar.scatter.Leaf;
import io.patternkit.sidecar.scatter.ScatterEngine;
import io.patternkit.sidecar.scatter.StaticLeaf;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code patternkit-sidecar scatter}: runs the scatter/gather root sidecar until SIGTERM, then
 * drains and exits.
 */
@Command(name = "scatter", mixinStandardHelpOptions = true, sortSynopsis = false,
        description = {"Runs the scatter/gather root sidecar (deadlines, completion policies, hedged requests, partial results).",
            "Env: PATTERNKIT_API_TOKEN or PATTERNKIT_API_TOKEN_FILE (bearer token for /v1, also sent to leaves and merge containers)."})
public final class ScatterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "" + Wire.DEFAULT_SCATTER_PORT, description = "Port; 0 for an ephemeral one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

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

    @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "Largest request body in bytes (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-response-bytes", defaultValue = "1048576",
            description = "Largest leaf or merge answer in bytes; a larger one fails that attempt (default: ${DEFAULT-VALUE}).")
    long maxResponseBytes;

    @Option(names = "--max-connections-per-leaf", defaultValue = "64",
            description = "Most pooled connections to one leaf (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerLeaf;

    @Option(names = "--latency-window", defaultValue = "30s", converter = DurationConverter.class,
            description = "How much recent leaf latency the hedge delay percentile covers (default: ${DEFAULT-VALUE}).")
    Duration latencyWindow;

    @Option(names = "--hedge-min-samples", defaultValue = "20",
            description = "Answered leaf requests a pool needs in the window before its percentile sets the hedge delay; "
                + "until then the call's maxDelayMs is used (default: ${DEFAULT-VALUE}).")
    long minSamples;

    @Option(names = "--hedge-burst", defaultValue = "10",
            description = "Most hedged requests a pool may send back to back beyond maxExtraLoadPercent (default: ${DEFAULT-VALUE}).")
    int hedgeBurst;

    @Option(names = "--drain-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Longest wait for in-flight scatter calls on SIGTERM (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    /**
     * Validates the options, starts the sidecar and blocks until the JVM shuts down.
     *
     * @return never returns normally while the sidecar runs; after SIGTERM the JVM exits once the
     *     shutdown hook has drained the sidecar
     * @throws ParameterException when an option is out of range
     * @throws InterruptedException when the main thread is interrupted
     */
    @Override
    public Integer call() throws InterruptedException {
        ScatterSettings settings = settings(System.getenv());
        if (Security.getProperty("networkaddress.cache.ttl") == null) {
            // --dns-leaves must see pods come and go; the JVM would otherwise cache names for 30 s.
            Security.setProperty("networkaddress.cache.ttl", Long.toString(Math.max(1, dnsInterval.toSeconds())));
        }
        ScatterSidecar sidecar = ScatterSidecar.start(settings, System::nanoTime);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sidecar.drainAndClose();
            stopped.countDown();
        }, "patternkit-shutdown"));
        stopped.await();
        return 0;
    }

    ScatterSettings settings(Map<String, String> env) {
        require(port >= 0 && port <= 65535, "--port must be 0 to 65535");
        require(maxBodyBytes >= 1024, "--max-body-bytes must be at least 1024");
        require(maxResponseBytes >= 1024, "--max-response-bytes must be at least 1024");
        require(defaultDeadline.toMillis() >= 1 && defaultDeadline.toMillis() <= Wire.MAX_SCATTER_DEADLINE_MS,
                "--default-deadline must be 1ms to 60s");
        require(dnsInterval.toMillis() >= 100, "--dns-interval must be at least 100ms");
        require(latencyWindow.toMillis() >= 600, "--latency-window must be at least 600ms");
        require(minSamples >= 1, "--hedge-min-samples must be at least 1");
        require(hedgeBurst >= 1, "--hedge-burst must be at least 1");
        require(maxConnectionsPerLeaf >= 1, "--max-connections-per-leaf must be at least 1");
        List<Leaf> fixed = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String leaf : leaves) {
            Leaf parsed;
            try {
                parsed = StaticLeaf.parse(leaf);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--leaf " + e.getMessage());
            }
            String id = parsed.leafId();
            for (int n = 2; !ids.add(parsed.pool() + '/' + id); n++) {
                id = parsed.leafId() + "-" + n;
            }
            fixed.add(new Leaf(parsed.pool(), parsed.shard(), id, parsed.url(), parsed.source(), parsed.expiresAtNanos()));
        }
        List<DnsLeaves> dns = new ArrayList<>();
        for (String name : dnsLeaves) {
            try {
                dns.add(DnsLeaves.parse(name));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--dns-leaves " + e.getMessage());
            }
        }
        return new ScatterSettings(bind, port, ApiToken.fromEnvironment(env), maxBodyBytes, maxResponseBytes, defaultDeadline,
                fixed, dns, dnsInterval, maxConnectionsPerLeaf,
                new ScatterEngine.Settings(latencyWindow, 6, minSamples, hedgeBurst), drainTimeout);
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
