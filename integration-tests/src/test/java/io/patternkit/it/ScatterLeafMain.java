package io.patternkit.it;

import io.patternkit.management.ManagementServer;
import io.patternkit.scatter.LeafContext;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterLeaf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A leaf application for the scatter integration tests: a separate JVM that serves one or more leaves
 * exactly as an application would, each {@link ScatterLeaf} on its own {@link ManagementServer} (the
 * root sidecar and the token come from the environment: {@code PATTERNKIT_SCATTER_URL},
 * {@code PATTERNKIT_API_TOKEN}).
 *
 * <p>Arguments: pool, registration TTL (ISO-8601, such as {@code PT2S}), then one spec per leaf,
 * {@code leafId:shard:mode[:delayMs]}, where mode is
 * <ul>
 *   <li>{@code answer}: answers {@code {"shard","leafId","attempt"}} after {@code delayMs} (default 0), or
 *       at once when the call is cancelled first;</li>
 *   <li>{@code never}: never answers (holds the call, ignoring cancellation, for up to two minutes);</li>
 *   <li>{@code fail}: throws, so the leaf answers 500 {@code leaf-failed}.</li>
 * </ul>
 *
 * <p>Standard output, one line per event, for the test to wait on: {@code READY <leafId> <shard> <url>}
 * once every leaf is mounted, {@code CALL <leafId> <scatterId> <attempt>}, {@code ANSWERED ...} when the
 * handler returns, {@code CANCELLED <leafId> <scatterId> <attempt> remainingMs=<n>} when the root gave up on
 * a call still being handled (a remaining budget above zero means the root closed the connection, not that
 * the budget ran out), and {@code CLOSED <leafId>} when SIGTERM's shutdown hook has left the pool.
 */
public final class ScatterLeafMain {
    /** The part each leaf answers. */
    public record Hit(String shard, String leafId, int attempt) {
    }

    private static final CountDownLatch NEVER = new CountDownLatch(1);

    private ScatterLeafMain() {
    }

    public static void main(String[] args) throws Exception {
        String pool = args[0];
        Duration ttl = Duration.parse(args[1]);
        ScatterClient root = ScatterClient.create();
        List<ManagementServer> servers = new ArrayList<>();
        List<ScatterLeaf> leaves = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String[] spec = args[i].split(":");
            String leafId = spec[0];
            String shard = spec[1];
            String mode = spec[2];
            Duration delay = Duration.ofMillis(spec.length > 3 ? Long.parseLong(spec[3]) : 0);
            ManagementServer server = ManagementServer.builder().fromEnvironment().build().start();
            servers.add(server);
            leaves.add(ScatterLeaf.builder(root, server).pool(pool).shard(shard).leafId(leafId).ttl(ttl)
                    .handler(Object.class, (request, ctx) -> handle(ctx, mode, delay)).start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ScatterLeaf leaf : leaves) {
                leaf.close();
                print("CLOSED " + leaf.leafId());
            }
            servers.forEach(ManagementServer::close);
            root.close();
        }, "leaf-shutdown"));
        for (ScatterLeaf leaf : leaves) {
            print("READY " + leaf.leafId() + " " + leaf.shard() + " " + leaf.url());
        }
        // The management servers' event loops are not daemons: the JVM lives until SIGTERM or SIGKILL.
    }

    private static Hit handle(LeafContext ctx, String mode, Duration delay) throws InterruptedException {
        String call = ctx.leafId() + " " + ctx.scatterId() + " " + ctx.attempt();
        print("CALL " + call);
        CountDownLatch cancelled = new CountDownLatch(1);
        boolean[] finished = new boolean[1];
        ctx.whenCancelled().thenRun(() -> {
            synchronized (finished) {
                if (!finished[0]) {
                    print("CANCELLED " + call + " remainingMs=" + ctx.remaining().toMillis());
                }
            }
            cancelled.countDown();
        });
        try {
            switch (mode) {
                case "never" -> NEVER.await(2, TimeUnit.MINUTES);
                case "fail" -> throw new IllegalStateException("leaf " + ctx.leafId() + " fails on purpose");
                default -> cancelled.await(delay.toNanos(), TimeUnit.NANOSECONDS);
            }
            print("ANSWERED " + call);
            return new Hit(ctx.shard(), ctx.leafId(), ctx.attempt());
        } finally {
            synchronized (finished) {
                finished[0] = true;
            }
        }
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
