package io.patternkit.samples.search;

import static io.patternkit.samples.SampleSupport.poll;
import static io.patternkit.samples.SampleSupport.say;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.patternkit.core.SidecarConfig;
import io.patternkit.management.ManagementServer;
import io.patternkit.protocol.Wire;
import io.patternkit.samples.SampleSupport;
import io.patternkit.samples.indexing.Corpus;
import io.patternkit.samples.search.SearchPools.HitsCall;
import io.patternkit.samples.search.SearchPools.ShardHits;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.Hedging;
import io.patternkit.scatter.MergeContainer;
import io.patternkit.scatter.PartialResultException;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.scatter.ShardOutcome;
import io.patternkit.scatter.ShardStatus;
import io.patternkit.testing.AppProcess;
import io.patternkit.testing.SidecarProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The scatter/gather sample on real data: a distributed search over the JDK's sources, cut into
 * shards, each shard served by several replicas ({@link SearchLeaf} processes) registered with one
 * root sidecar process ({@code patternkit-sidecar scatter}); the demo process searches through it
 * with {@link DistributedSearch} (two scatter rounds, {@code dfs_query_then_fetch}).
 *
 * <p>It shows, and checks: (a) with every shard answering, each query's merged hits equal those of
 * one Lucene index over all the files, built in this process; (b) with one replica made a straggler
 * (slower than the whole deadline), the root hedges to the other replica of its shard and the query
 * still answers fast and exactly; (c) after {@code kill -9} of both replicas of one shard, the answer
 * is reported partial, that shard named with its status and reason, and the other shards' hits
 * returned explicitly as partial, first while the dead replicas are still registered ({@code failed}:
 * connection refused) and again once their registrations lapsed ({@code skipped}: no replica known).
 * Writes {@code summary.json}; exits 0 only when every check passed.
 */
@Command(name = "search-demo", mixinStandardHelpOptions = true,
        description = "Distributed search over the corpus through a scatter/gather root sidecar, with a straggler and a dead shard.")
public final class SearchDemo implements Callable<Integer> {
    @Option(names = "--corpus", description = "A zip or directory of sources (default: the installed JDK's lib/src.zip).")
    Path corpus;

    @Option(names = "--limit", defaultValue = "6000",
            description = "Files to index, 0 for all; the default keeps the run near a minute on 2 cores (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--shards", defaultValue = "3", description = "Shards (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--replicas", defaultValue = "2", description = "Replicas per shard, each a process (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--k", defaultValue = "10", description = "Hits per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--deadline", defaultValue = "PT2S", description = "Deadline of each scatter round (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @Option(names = "--slow", defaultValue = "PT3S",
            description = "Delay of the straggler replica in part (b), longer than the deadline (default: ${DEFAULT-VALUE}).")
    Duration slow;

    @Option(names = "--hedge-max-delay", defaultValue = "PT0.5S",
            description = "Longest hedge delay; the root uses the pool's p95 below it, so this bound only matters on a loaded box (default: ${DEFAULT-VALUE}).")
    Duration hedgeMaxDelay;

    @Option(names = "--ttl", defaultValue = "PT3S", description = "Leaf registration TTL (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--work-dir", defaultValue = "target/search-demo", description = "Emptied first (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--sidecar-jar", description = "The sidecar's executable jar (default: sidecar/target/patternkit-sidecar.jar, searched upwards).")
    Path sidecarJar;

    private static final List<String> QUERIES = List.of("concurrent hash map", "read write lock", "socket channel timeout",
            "unicode normalizer", "big decimal rounding mode");
    private static final String SLOW_QUERY = "thread pool executor";
    private static final String PARTIAL_QUERY = "zip inflater buffer";
    private static final List<String> JVM = List.of("-Xmx192m", "-XX:+UseSerialGC", "-Xss512k");

    private final AppProcess.Events events = new AppProcess.Events();
    private final Map<String, AppProcess> leaves = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private Path work;

    /**
     * Runs the demo; exits 0 when every check passed, 1 otherwise.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SearchDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (shards < 2 || replicas < 2) {
            throw new CommandLine.ParameterException(new CommandLine(this), "the demo needs at least 2 shards and 2 replicas");
        }
        long t0 = System.nanoTime();
        work = SampleSupport.emptied(workDir);
        Path source = Corpus.sourceOrJdk(corpus);
        Corpus input = Corpus.prepare(source, work.resolve("input"), limit);
        Files.createDirectories(work.resolve("logs"));
        say("corpus %s: %d files%s; %d shards x %d replicas, k %d, deadline %d ms", source, input.files().size(),
                limit > 0 ? " (--limit " + limit + ", to keep the run short; --limit 0 for all)" : "", shards, replicas, k,
                deadline.toMillis());
        List<String> shardNames = IntStream.range(0, shards).mapToObj(Sharding::name).toList();
        CompletableFuture<SearchShard> singleNode = CompletableFuture.supplyAsync(() -> SearchShard.build(input.root(), input.files()));
        SidecarProcess.Builder rootBuilder = SidecarProcess.run("scatter").jvmArgs(JVM.toArray(String[]::new));
        if (sidecarJar != null) {
            rootBuilder.jar(sidecarJar);
        }
        Map<String, Object> timings = new LinkedHashMap<>();
        try (SidecarProcess root = rootBuilder.start()) {
            say("root sidecar %s (pid %d, log %s)", root.baseUrl(), root.pid(), root.logFile());
            try {
                return run(root, input, shardNames, singleNode, timings, t0);
            } finally {
                for (AppProcess leaf : leaves.values()) {
                    leaf.quit(Duration.ofSeconds(10)); // before the root stops, so that they can deregister
                }
            }
        }
    }

    private int run(SidecarProcess root, Corpus input, List<String> shardNames, CompletableFuture<SearchShard> singleNode,
                    Map<String, Object> timings, long t0) throws Exception {
        for (int s = 0; s < shards; s++) {
            for (int r = 1; r <= replicas; r++) {
                startLeaf(root, input.root(), s, r);
            }
        }
        events.await("every leaf to index its shard", e -> e.is("READY"), shards * replicas, Duration.ofMinutes(5));
        awaitLeaves(root, shardNames, replicas, Duration.ofSeconds(30));
        timings.put("leavesReadyMs", (System.nanoTime() - t0) / 1_000_000);
        say("%d leaves registered in pools %s and %s (%d ms after start)", shards * replicas, SearchPools.STATS,
                SearchPools.HITS, timings.get("leavesReadyMs"));
        try (SearchShard whole = singleNode.join();
             ScatterClient client = ScatterClient.create(SidecarConfig.builder().baseUrl(root.baseUrl()).build());
             ManagementServer server = ManagementServer.builder().build().start();
             MergeContainer merge = MergeContainer.builder(server)
                     .handler(HitsCall.class, ShardHits.class, DistributedSearch.topHits()).start()) {
            timings.put("singleNodeReadyMs", (System.nanoTime() - t0) / 1_000_000);
            Hedging hedging = Hedging.enabled().withDelayPercentile(95)
                    .withDelayBounds(Duration.ofMillis(20), hedgeMaxDelay).withMaxExtraLoadPercent(5);
            ScatterOptions options = ScatterOptions.builder().deadline(deadline).hedging(hedging).build();
            DistributedSearch search = new DistributedSearch(client, shardNames, options);
            warmUp(search, options);

            List<SearchReport.QueryCheck> queries = partA(search, whole, merge.url());
            SearchReport.Straggle straggle = partB(search, whole);
            SearchReport.Partial partial = partC(search, root, shardNames);
            timings.put("totalMs", (System.nanoTime() - t0) / 1_000_000);

            boolean equal = queries.stream().allMatch(c -> c.equalsSingleNode() && c.mergeContainerEqualsSingleNode());
            SearchReport.Summary summary = new SearchReport.Summary(input.files().size(), shards, replicas, k, deadline.toMillis(), queries, straggle,
                    partial, timings, equal, straggle.rescued(), partial.namesDeadShard(),
                    equal && straggle.rescued() && partial.namesDeadShard());
            print(summary);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(work.resolve("summary.json").toFile(), summary);
            return summary.ok() ? 0 : 1;
        }
    }

    /** Enough calls with hedging off that the JIT has compiled the leaves and the root has latency samples for p95. */
    private void warmUp(DistributedSearch search, ScatterOptions options) {
        ScatterOptions noHedging = options.toBuilder().hedging(Hedging.disabled()).build();
        int calls = Math.max(2 * replicas, (20 + shards - 1) / shards + 1);
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            search.search(QUERIES.get(i % QUERIES.size()), k, noHedging);
        }
        say("warm-up: %d searches with hedging off in %d ms (JIT, and latency samples for the hedge delay)", calls,
                (System.nanoTime() - start) / 1_000_000);
    }

    private List<SearchReport.QueryCheck> partA(DistributedSearch search, SearchShard whole, URI mergeContainer) {
        say("");
        say("(a) every shard answering: merged hits vs one index over all %d documents; round two merged in this JVM,", whole.documents());
        say("    and again by a merge container (a MergeContainer at %s that the root posts the parts to)", mergeContainer);
        List<SearchReport.QueryCheck> checks = new ArrayList<>();
        for (String q : QUERIES) {
            SearchResult result = search.search(q, k);
            List<Hit> expected = singleNode(whole, q);
            boolean equal = result.isComplete() && result.hits().equals(expected);
            GatherResult<ShardHits> merged = search.searchMergedBy(mergeContainer, q, k);
            boolean mergedEqual = merged.isComplete() && merged.value().hits().equals(expected);
            say("  %-28s %4d ms  complete=%s  equal to single node=%s (merge container: %s)  top: %s", '"' + q + '"',
                    result.elapsed().toMillis(), result.isComplete(), equal, mergedEqual, top(result.partialHits(), 2));
            checks.add(new SearchReport.QueryCheck(q, result.elapsed().toMillis(), result.isComplete(), equal, result.partialHits(),
                    outcomes(result), mergedEqual));
        }
        return checks;
    }

    private SearchReport.Straggle partB(DistributedSearch search, SearchShard whole) throws IOException, InterruptedException {
        AppProcess slowLeaf = leaves.get(Sharding.name(0) + "-r1");
        say("");
        say("(b) %s made a straggler: every call waits %d ms (deadline %d ms); hedge after the pool's p95, at most %d ms",
                slowLeaf.name(), slow.toMillis(), deadline.toMillis(), hedgeMaxDelay.toMillis());
        int before = events.matching(e -> e.is("SLOW")).size();
        slowLeaf.send("slow " + slow.toMillis());
        events.await(slowLeaf.name() + " to turn slow", e -> e.is("SLOW"), before + 1, Duration.ofSeconds(10));
        int cancelledBefore = events.matching(e -> e.is("CANCELLED")).size();
        List<SearchReport.StraggleRun> runs = new ArrayList<>();
        // The root picks a shard's first replica round-robin, so over `replicas` searches the straggler is asked first in each pool.
        for (int i = 0; i < replicas; i++) {
            SearchResult result = search.search(SLOW_QUERY, k);
            boolean equal = result.isComplete() && result.hits().equals(singleNode(whole, SLOW_QUERY));
            long hedgesWon = result.statsRound().stats().hedgesWon() + result.hitsRound().map(r -> r.stats().hedgesWon()).orElse(0L);
            say("  run %d: %d ms, complete=%s, equal to single node=%s, hedges won %d", i + 1, result.elapsed().toMillis(),
                    result.isComplete(), equal, hedgesWon);
            outcomes(result).stream().filter(o -> o.shard().equals(Sharding.name(0)))
                    .forEach(o -> say("    %s", o.describe()));
            runs.add(new SearchReport.StraggleRun(result.elapsed().toMillis(), result.isComplete(), equal, hedgesWon, outcomes(result)));
        }
        slowLeaf.send("fast");
        events.await(slowLeaf.name() + " to turn fast", e -> e.is("FAST"), 1, Duration.ofSeconds(10));
        List<AppProcess.Event> gaveUp = events.await("the straggler to see its calls cancelled",
                e -> e.is("CANCELLED"), cancelledBefore + 1, Duration.ofSeconds(10));
        List<Long> waited = gaveUp.subList(cancelledBefore, gaveUp.size()).stream().map(e -> e.number("waitedMs")).toList();
        say("  %s gave up %d straggling call(s) when the root cancelled them, after %s ms (not %d)", slowLeaf.name(),
                waited.size(), waited, slow.toMillis());
        long slowest = runs.stream().mapToLong(SearchReport.StraggleRun::latencyMs).max().orElse(0);
        long won = runs.stream().mapToLong(SearchReport.StraggleRun::hedgesWon).sum();
        boolean rescued = won >= 1 && runs.stream().allMatch(r -> r.complete() && r.equalsSingleNode())
                && slowest < Math.min(slow.toMillis(), deadline.toMillis());
        say("  slowest search %d ms vs the straggler's %d ms: %s", slowest, slow.toMillis(),
                rescued ? "rescued by hedging" : "NOT rescued");
        return new SearchReport.Straggle(slowLeaf.name(), slow.toMillis(), runs, waited, rescued);
    }

    private SearchReport.Partial partC(DistributedSearch search, SidecarProcess root, List<String> shardNames) throws Exception {
        String dead = shardNames.get(shardNames.size() - 1);
        say("");
        say("(c) kill -9 every replica of %s", dead);
        List<String> killed = new ArrayList<>();
        for (AppProcess leaf : leaves.values()) {
            if (leaf.name().startsWith(dead + "-")) {
                leaf.kill();
                killed.add(leaf.name() + " (pid " + leaf.pid() + ")");
            }
        }
        say("  killed %s; their registrations are still live for up to the TTL (%d ms)", killed, ttl.toMillis());
        SearchReport.PartialRun immediately = partialRun("right after the kill", search, dead);
        awaitLapsed(root, dead, ttl.multipliedBy(2).plusSeconds(5));
        SearchReport.PartialRun lapsed = partialRun("after the registrations lapsed", search, dead);
        return new SearchReport.Partial(dead, killed, immediately, lapsed, immediately.namesDeadShard() && lapsed.namesDeadShard());
    }

    private SearchReport.PartialRun partialRun(String when, DistributedSearch search, String dead) {
        SearchResult result = search.search(PARTIAL_QUERY, k);
        String thrown;
        try {
            result.hits();
            thrown = "nothing: the answer was complete";
        } catch (PartialResultException e) {
            thrown = e.getMessage();
        }
        List<Hit> partialHits = result.partialHits();
        long fromDead = partialHits.stream().filter(h -> Sharding.name(Sharding.indexOf(h.path(), shards)).equals(dead)).count();
        List<SearchReport.MissingShard> missing = result.missing().stream().map(m -> new SearchReport.MissingShard(m.outcome().shard(), m.round(),
                m.outcome().status().wireName(), m.outcome().reason().orElse(""))).toList();
        boolean named = !result.isComplete() && missing.stream().anyMatch(m -> m.shard().equals(dead))
                && missing.stream().allMatch(m -> m.shard().equals(dead) && !m.reason().isEmpty())
                && !result.answered().contains(dead) && result.answered().size() == shards - 1
                && !partialHits.isEmpty() && fromDead == 0;
        say("  %s: %d ms, complete=%s", when, result.elapsed().toMillis(), result.isComplete());
        missing.forEach(m -> say("    missing %s in %s: %s (%s)", m.shard(), m.round(), m.status(), m.reason()));
        say("    hits() throws: %s", thrown);
        say("    partialHits() from %s, explicitly partial: %d hits, %d from %s; top: %s", result.answered(), partialHits.size(),
                fromDead, dead, top(partialHits, 2));
        return new SearchReport.PartialRun(result.elapsed().toMillis(), result.isComplete(), missing, result.answered(), partialHits.size(),
                fromDead, thrown, named);
    }

    /** The reference: the same query on one index over every file, with its own (hence global) statistics. */
    private List<Hit> singleNode(SearchShard whole, String query) {
        List<String> terms = SearchShard.terms(query);
        return whole.search(terms, whole.stats(terms), k);
    }

    private void startLeaf(SidecarProcess root, Path corpusRoot, int shard, int replica) throws IOException {
        String leafId = Sharding.name(shard) + "-r" + replica;
        List<String> command = AppProcess.javaMain(JVM, SearchLeaf.class, List.of("--corpus", corpusRoot.toString(),
                "--shard", Integer.toString(shard), "--shards", Integer.toString(shards),
                "--replica", Integer.toString(replica), "--ttl", ttl.toString()));
        AppProcess leaf = AppProcess.start(leafId, command, Map.of(Wire.ENV_SCATTER_URL, root.baseUrl().toString()),
                work.resolve("logs").resolve(leafId + ".log"), events);
        leaves.put(leafId, leaf);
    }

    /** Polls the root's registry until every shard of both pools has {@code replicas} replicas. */
    private void awaitLeaves(SidecarProcess root, List<String> shardNames, int replicas, Duration timeout) throws Exception {
        poll("every leaf registered with the root", timeout, () -> {
            for (String pool : List.of(SearchPools.STATS, SearchPools.HITS)) {
                Map<String, Integer> known = replicasByShard(root, pool);
                for (String shard : shardNames) {
                    if (known.getOrDefault(shard, 0) < replicas) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    /** Polls the root's registry until the dead shard is gone from both pools. */
    private void awaitLapsed(SidecarProcess root, String shard, Duration timeout) throws Exception {
        long start = System.nanoTime();
        poll("the registrations of " + shard + " to lapse", timeout, () ->
                !replicasByShard(root, SearchPools.STATS).containsKey(shard) && !replicasByShard(root, SearchPools.HITS).containsKey(shard));
        say("  the root forgot %s's replicas %d ms later (TTL %d ms)", shard, (System.nanoTime() - start) / 1_000_000, ttl.toMillis());
    }

    private Map<String, Integer> replicasByShard(SidecarProcess root, String pool) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(root.baseUrl() + "/v1/pools/" + pool + "/leaves"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET leaves of " + pool + ": " + response.statusCode() + " " + response.body());
        }
        Map<String, Integer> known = new LinkedHashMap<>();
        for (JsonNode shard : json.readTree(response.body()).path("shards")) {
            known.put(shard.path("shard").asText(), shard.path("replicas").size());
        }
        return known;
    }

    /** A condition the root can only be asked about: checked every 100 ms until true or the timeout. */
    private static List<SearchReport.Outcome> outcomes(SearchResult result) {
        List<SearchReport.Outcome> all = new ArrayList<>();
        addOutcomes(all, SearchPools.STATS, result.statsRound());
        result.hitsRound().ifPresent(r -> addOutcomes(all, SearchPools.HITS, r));
        return all;
    }

    private static void addOutcomes(List<SearchReport.Outcome> all, String round, GatherResult<?> gather) {
        for (ShardOutcome o : gather.shards()) {
            all.add(new SearchReport.Outcome(round, o.shard(), o.status().wireName(), o.leafId().orElse(null),
                    o.latency().map(Duration::toMillis).orElse(null), o.hedged(), o.attempts(), o.reason().orElse(null)));
        }
    }

    private static String top(List<Hit> hits, int n) {
        return hits.stream().limit(n).map(h -> h.path().substring(h.path().lastIndexOf('/') + 1) + String.format(" %.2f", h.score()))
                .toList().toString();
    }

    private static void print(SearchReport.Summary s) {
        say("");
        say("summary");
        say("  (a) merged == single node for every query: %s", s.mergedEqualsSingleNode());
        say("  (b) straggler rescued by hedging:          %s", s.hedgedRescue());
        say("  (c) partial answer names the dead shard:   %s", s.partialNamesDeadShard());
        say("  times %s", s.timings());
        say(s.ok() ? "OK" : "FAILED");
    }

}
