package io.patternkit.samples.search;

import io.patternkit.management.ManagementServer;
import io.patternkit.samples.indexing.Corpus;
import io.patternkit.samples.search.SearchPools.HitsCall;
import io.patternkit.samples.search.SearchPools.ShardHits;
import io.patternkit.samples.search.SearchPools.StatsCall;
import io.patternkit.scatter.LeafContext;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterLeaf;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One leaf replica of the distributed search: a process that indexes ONE shard of the corpus
 * ({@link Sharding}) into a {@link SearchShard} and serves it through two scatter leaves on its
 * in-app {@link ManagementServer}, registered with the root sidecar ({@code PATTERNKIT_SCATTER_URL}):
 * pool {@value SearchPools#STATS} (phase one: the shard's {@link TermStats} for a query) and pool
 * {@value SearchPools#HITS} (phase two: the shard's top hits scored with the global statistics).
 *
 * <p>For the demo it can play a straggler ({@code --slow-ms}, {@code --slow-every}, or
 * {@code slow MS [EVERY]} / {@code fast} on stdin at run time); a slow call waits on the call's
 * cancellation, so it gives up as soon as the root no longer needs it (a hedge won, the deadline
 * passed). It prints one event per line on stdout ({@code EVENT READY ...}, {@code EVENT SLOW ...},
 * {@code EVENT CANCELLED ...}); {@code quit} or the end of stdin deregisters and exits.
 */
@Command(name = "search-leaf", mixinStandardHelpOptions = true,
        description = "Serves one shard of the corpus to a scatter/gather root sidecar (PATTERNKIT_SCATTER_URL).")
public final class SearchLeaf implements Callable<Integer> {
    @Option(names = "--corpus", required = true, description = "Directory of the (prepared) corpus; every process must see the same files.")
    Path corpus;

    @Option(names = "--shard", required = true, description = "This leaf's shard number, 0-based.")
    int shard;

    @Option(names = "--shards", required = true, description = "How many shards the corpus is cut into.")
    int shards;

    @Option(names = "--replica", defaultValue = "1", description = "This replica's number within its shard (default: ${DEFAULT-VALUE}).")
    int replica;

    @Option(names = "--ttl", defaultValue = "PT3S", description = "Registration TTL; heartbeats every TTL/3 (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--slow-ms", defaultValue = "0", description = "Make calls wait this long first (a straggler), 0 for none (default: ${DEFAULT-VALUE}).")
    long slowMs;

    @Option(names = "--slow-every", defaultValue = "1", description = "With --slow-ms: only every Nth call is slow (default: ${DEFAULT-VALUE}).")
    int slowEvery;

    private final Straggler straggler = new Straggler();
    private String leafId;

    /**
     * Runs the leaf until {@code quit} or the end of stdin.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SearchLeaf()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (shard < 0 || shard >= shards) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--shard must be in [0, --shards)");
        }
        String shardName = Sharding.name(shard);
        leafId = shardName + "-r" + replica;
        straggler.set(Duration.ofMillis(slowMs), slowEvery);
        long start = System.nanoTime();
        Corpus input = Corpus.prepare(corpus, corpus, 0);
        List<Path> mine = Sharding.filesOf(input.root(), input.files(), shard, shards);
        try (SearchShard index = SearchShard.build(input.root(), mine);
             ManagementServer server = ManagementServer.builder().fromEnvironment().build().start();
             ScatterClient root = ScatterClient.create();
             ScatterLeaf stats = ScatterLeaf.builder(root, server).pool(SearchPools.STATS).shard(shardName).leafId(leafId)
                     .ttl(ttl).handler(StatsCall.class, (call, ctx) -> {
                         straggle(ctx);
                         return index.stats(SearchShard.terms(call.query()));
                     }).start();
             ScatterLeaf hits = ScatterLeaf.builder(root, server).pool(SearchPools.HITS).shard(shardName).leafId(leafId)
                     .ttl(ttl).handler(HitsCall.class, (call, ctx) -> {
                         straggle(ctx);
                         return new ShardHits(index.search(SearchShard.terms(call.query()), call.global(), call.k()));
                     }).start()) {
            event("READY shard=%s leaf=%s docs=%d indexMs=%d url=%s", shardName, leafId, index.documents(),
                    (System.nanoTime() - start) / 1_000_000, server.baseUrl());
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null && !line.equals("quit")) {
                command(line.trim());
            }
            event("QUIT leaf=%s registered=%s/%s", leafId, stats.isRegistered(), hits.isRegistered());
        }
        return 0;
    }

    private void command(String line) {
        String[] words = line.split("\\s+");
        try {
            if (words[0].equals("slow") && words.length >= 2) {
                straggler.set(Duration.ofMillis(Long.parseLong(words[1])), words.length > 2 ? Integer.parseInt(words[2]) : 1);
                event("SLOW leaf=%s ms=%d every=%s", leafId, straggler.delay().toMillis(), words.length > 2 ? words[2] : "1");
            } else if (words[0].equals("fast")) {
                straggler.set(Duration.ZERO, 1);
                event("FAST leaf=%s", leafId);
            } else if (!line.isEmpty()) {
                event("UNKNOWN command=%s", words[0]);
            }
        } catch (IllegalArgumentException e) {
            event("UNKNOWN command=%s", words[0]);
        }
    }

    private void straggle(LeafContext ctx) throws InterruptedException {
        Straggler.Delayed delayed = straggler.await(ctx);
        if (delayed == null) {
            return;
        }
        if (delayed.cancelled()) {
            event("CANCELLED leaf=%s pool=%s scatter=%s attempt=%d waitedMs=%d", leafId, ctx.pool(), ctx.scatterId(),
                    ctx.attempt(), delayed.waited().toMillis());
            throw new CancellationException("the root cancelled the call after " + delayed.waited().toMillis() + " ms");
        }
        event("STRAGGLED leaf=%s pool=%s scatter=%s attempt=%d waitedMs=%d", leafId, ctx.pool(), ctx.scatterId(),
                ctx.attempt(), delayed.waited().toMillis());
    }

    private static void event(String format, Object... args) {
        synchronized (System.out) {
            System.out.println("EVENT " + String.format(format, args));
            System.out.flush();
        }
    }
}
