package io.patternkit.bench.scatter;

import io.patternkit.bench.Args;
import io.patternkit.management.ManagementServer;
import io.patternkit.core.SidecarConfig;
import io.patternkit.scatter.LeafContext;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterLeaf;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The leaf process of the scatter benchmark: one JVM hosting many leaves, each server a
 * {@link ManagementServer} of its own (its own port, event loop and worker pool), each pool's
 * shard-replica a {@link ScatterLeaf} registered with the root sidecar like an application's leaf. A server
 * hosts at most one replica of each pool (the endpoint path is per pool), and the replicas of a shard are
 * on different servers.
 *
 * <p>Every leaf runs {@link #work}: a fixed delay (parked, woken at once when the root cancels the call),
 * which is {@link LeafWork#stragglerFactor()} times longer for {@link LeafWork#stragglerPercent()} of the
 * calls, and answers a {@link LeafPart} with its own service time.
 *
 * <p>Options: {@code --root URL} (required), {@code --servers 64}, {@code --pools NAME=SHARDSxREPLICAS,...}
 * (such as {@code fan-4=4x1,tail=16x2}), {@code --worker-threads 4} (per server), {@code --ttl-seconds 120}.
 * Prints {@code EVENT READY leaves=<n>} on standard output (an {@code AppProcess} event line) once every
 * leaf is registered, and stops (deregistering every leaf) when standard input says {@code quit} or closes.
 */
public final class LeafHost {
    private LeafHost() {
    }

    /**
     * Runs the leaf process.
     *
     * @param argv {@code --name value} options, see the class comment
     * @throws Exception when a server cannot start or the leaves do not register within 60 s
     */
    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        URI root = URI.create(args.string("root", ""));
        int serverCount = args.integer("servers", 64);
        int workerThreads = args.integer("worker-threads", 4);
        Duration ttl = Duration.ofSeconds(args.integer("ttl-seconds", 120));
        List<ManagementServer> servers = new ArrayList<>();
        List<ScatterLeaf> leaves = new ArrayList<>();
        try (ScatterClient client = ScatterClient.create(SidecarConfig.builder().baseUrl(root).build())) {
            for (int i = 0; i < serverCount; i++) {
                servers.add(ManagementServer.builder().host("127.0.0.1").port(0).workerThreads(workerThreads).build()
                        .start());
            }
            for (String spec : args.string("pools", "").split(",")) {
                String[] nameAndShape = spec.trim().split("=");
                String[] shape = nameAndShape[1].split("x");
                int shards = Integer.parseInt(shape[0]);
                int replicas = Integer.parseInt(shape[1]);
                if (shards * replicas > serverCount) {
                    throw new IllegalArgumentException("pool " + spec + " needs " + shards * replicas + " servers, have "
                            + serverCount);
                }
                for (int r = 0; r < replicas; r++) {
                    for (int s = 0; s < shards; s++) {
                        String shard = shardName(s);
                        leaves.add(ScatterLeaf.builder(client, servers.get(s + r * shards)).pool(nameAndShape[0])
                                .shard(shard).leafId(shard + "-r" + r).ttl(ttl).handler(LeafWork.class, LeafHost::work)
                                .start());
                    }
                }
            }
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!leaves.stream().allMatch(ScatterLeaf::isRegistered)) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("the leaves did not register with " + root + " within 60 s");
                }
                Thread.sleep(50); // start-up wait in a benchmark process, not test synchronisation
            }
            System.out.println("EVENT READY leaves=" + leaves.size());
            System.out.flush();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.equals("quit")) {
                    // keep serving until the harness says quit or closes our standard input
                }
            }
        } finally {
            leaves.forEach(ScatterLeaf::close);
            servers.forEach(ManagementServer::close);
        }
    }

    /**
     * The shard name of index {@code i}, such as {@code s07}: zero-padded so that the root's shard-name order
     * is the index order.
     *
     * @param i the index, from 0
     * @return the name
     */
    static String shardName(int i) {
        return String.format("s%02d", i);
    }

    /**
     * One leaf call: waits the fixed delay (or the straggler's) unless the root cancels first.
     *
     * @param work the scatter request
     * @param ctx the call
     * @return the part, with the handler's own time
     */
    static LeafPart work(LeafWork work, LeafContext ctx) {
        long start = System.nanoTime();
        boolean straggle = work.stragglerPercent() > 0
                && ThreadLocalRandom.current().nextDouble(100.0) < work.stragglerPercent();
        long wait = work.delayMicros() * 1_000L * (straggle ? Math.max(1, work.stragglerFactor()) : 1);
        if (wait > 0) {
            Thread me = Thread.currentThread();
            ctx.whenCancelled().thenRun(() -> LockSupport.unpark(me));
            long end = start + wait;
            long left;
            while (!ctx.isCancelled() && (left = end - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
        }
        return new LeafPart(ctx.shard(), ctx.leafId(), System.nanoTime() - start, straggle, ctx.attempt());
    }
}
