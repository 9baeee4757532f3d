package io.patternkit.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.core.NotFoundException;
import io.patternkit.core.internal.DaemonThreads;
import io.patternkit.core.internal.Json;
import io.patternkit.protocol.ProblemType;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.GatherStats;
import io.patternkit.scatter.Hedging;
import io.patternkit.scatter.LeafContext;
import io.patternkit.scatter.LeafHandler;
import io.patternkit.scatter.MergeHandler;
import io.patternkit.scatter.MergeInput;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.Part;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.scatter.ShardOutcome;
import io.patternkit.scatter.internal.Arguments;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * An in-memory {@link ScatterGather} for unit tests of code that scatters: Java {@link LeafHandler}s
 * registered per shard (one or more replicas each) run on threads of this fake, with the root's result
 * semantics and no sidecar.
 *
 * <pre>{@code
 * InMemoryScatter scatter = new InMemoryScatter()
 *         .leaf("search", "s1", Query.class, (q, ctx) -> new Hits(List.of("a")))
 *         .replica("search", "s2", "s2-a", Query.class, (q, ctx) -> new Hits(List.of("b")))
 *         .replica("search", "s2", "s2-b", Query.class, (q, ctx) -> new Hits(List.of("b")))
 *         .slowReplica("search", "s2-a", Duration.ofSeconds(5));      // a straggling replica
 * GatherResult<List<Hits>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(),
 *         ScatterOptions.builder().deadline(Duration.ofMillis(500))
 *                 .hedging(Hedging.enabled().withDelayBounds(Duration.ofMillis(10), Duration.ofMillis(20))).build());
 * // s2 answered by whichever replica was not the straggler: first by round-robin, or the hedge after 20 ms
 * }</pre>
 *
 * <p>Semantics, as the root sidecar: the request and every part travel through JSON (so a type that
 * would not survive the wire fails here too); each shard's first request goes to a replica chosen
 * round-robin per shard; a failure (the handler threw) or a leaf timeout fails over to the next untried
 * replica while the deadline allows; with hedging (the options' {@link Hedging}, enabled with the root's
 * defaults when unset) a hedged request goes to the next untried replica after the hedge delay (once every
 * replica was asked, to the one whose request waited longest; again after each further delay, up to the
 * hedging's {@code maxHedges}, 2 by default; a shard with one replica is not hedged; a due hedge waits until
 * half of the call's other shards have settled) (the
 * pool's observed latency at the hedging percentile once it has {@value #MIN_LATENCY_SAMPLES} answers,
 * the maximum delay before, within the delay bounds) when the pool's extra-load budget allows (each first
 * request deposits the percentage, a hedge withdraws one, and a reserve of {@value #HEDGE_BURST} hedges comes
 * on top; the root forgets deposits and withdrawals after 10 s, this fake, whose tests are shorter, never
 * does), and the first
 * answer wins while the other is cancelled ({@code LeafContext.whenCancelled()}). Every asked shard
 * appears once, in completion order, as answered, failed (reason
 * {@code leaf <id>: leaf-failed: the leaf handler failed with <class>} per replica tried; or the part
 * cannot be read as the part type), timedOut (no answer within the leaf timeout or the deadline) or
 * skipped (no replica registered, or the completion policy was met first); the merger sees parts in
 * arrival order on the calling thread; a pool with no leaves is {@link NotFoundException} unless the
 * options name shards. {@link GatherResult#stats()} counts leaf requests, hedges, hedges won and
 * cancelled requests as the root does. Deadlines and delays are real time. Thread-safe.
 */
public final class InMemoryScatter implements ScatterGather, AutoCloseable {
    /** Answered leaf requests a pool needs before its latency percentile sets the hedge delay (the root's default). */
    public static final int MIN_LATENCY_SAMPLES = 20;
    /** Hedges a pool may send beyond its percentage of first requests: the budget's reserve (the root's default). */
    public static final int HEDGE_BURST = 10;
    private static final int LATENCY_WINDOW = 1_000;

    private final Map<String, Map<String, List<Replica<?, ?>>>> pools = new ConcurrentHashMap<>();
    private final Map<String, PoolState> poolStates = new ConcurrentHashMap<>();
    private final Faults faults = new Faults();
    private final Map<URI, MergeContainer<?, ?>> mergeContainers = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("in-memory-scatter-leaf"));

    /**
     * One replica of a shard.
     *
     * @param leafId the replica's id
     * @param type the type the request is read as
     * @param handler the leaf's code
     */
    record Replica<Q, P>(String leafId, Class<Q> type, LeafHandler<Q, P> handler) {
        JsonNode answer(JsonNode request, LeafContext ctx) throws Exception {
            return Json.mapper().valueToTree(handler.handle(Json.mapper().treeToValue(request, type), ctx));
        }
    }

    /** Per pool, across calls: the round-robin positions, the observed latencies and the hedge budget. */
    static final class PoolState {
        private final Map<String, Integer> roundRobin = new HashMap<>();
        private final ArrayDeque<Long> latencies = new ArrayDeque<>();
        private long hedgeBalance; // thousandths of a hedge: deposits minus withdrawals

        synchronized List<Replica<?, ?>> rotated(String shard, List<Replica<?, ?>> replicas) {
            int start = Math.floorMod(roundRobin.merge(shard, 1, Integer::sum) - 1, replicas.size());
            List<Replica<?, ?>> order = new ArrayList<>(replicas.size());
            for (int i = 0; i < replicas.size(); i++) {
                order.add(replicas.get((start + i) % replicas.size()));
            }
            return order;
        }

        synchronized void record(Duration latency) {
            if (latencies.size() == LATENCY_WINDOW) {
                latencies.removeFirst();
            }
            latencies.addLast(latency.toNanos());
        }

        synchronized Optional<Duration> percentile(double percentile) {
            if (latencies.size() < MIN_LATENCY_SAMPLES) {
                return Optional.empty();
            }
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            int rank = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
            return Optional.of(Duration.ofNanos(sorted[Math.max(0, rank)]));
        }

        synchronized void earnHedge(double percent) {
            hedgeBalance += Math.round(percent * 10);
        }

        synchronized boolean trySpendHedge() {
            if (hedgeBalance + HEDGE_BURST * 1_000L < 1_000) {
                return false;
            }
            hedgeBalance -= 1_000;
            return true;
        }
    }

    /** The injected stragglers and failures, per shard ({@code pool/shard}) or per replica ({@code pool#leafId}). */
    static final class Faults {
        private final Map<String, Duration> delays = new ConcurrentHashMap<>();
        private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();

        Duration delay(String pool, String shard, String leafId) {
            return delays.getOrDefault(pool + "#" + leafId, delays.getOrDefault(pool + "/" + shard, Duration.ZERO));
        }

        Optional<RuntimeException> failure(String pool, String shard, String leafId) {
            return Optional.ofNullable(failures.getOrDefault(pool + "#" + leafId, failures.get(pool + "/" + shard)));
        }

        void putDelay(String key, Duration delay) {
            delays.put(key, Objects.requireNonNull(delay, "delay"));
        }

        void putFailure(String key, RuntimeException error) {
            if (error == null) {
                failures.remove(key);
            } else {
                failures.put(key, error);
            }
        }
    }

    /**
     * Makes {@code handler} the shard's only replica, with leaf id {@code in-memory-<shard>}, replacing any
     * replicas it had.
     *
     * @param pool the pool
     * @param shard the shard
     * @param requestType the type the request is read as
     * @param handler the leaf's code
     * @param <Q> the request type
     * @param <P> the part type
     * @return this fake
     */
    public synchronized <Q, P> InMemoryScatter leaf(String pool, String shard, Class<Q> requestType,
            LeafHandler<Q, P> handler) {
        Replica<Q, P> replica = replicaOf("in-memory-" + Arguments.id("shard", shard), requestType, handler);
        pools.computeIfAbsent(Arguments.pool(pool), p -> new LinkedHashMap<>())
                .put(shard, new ArrayList<>(List.of(replica)));
        return this;
    }

    /**
     * Adds a replica to a shard (or replaces the shard's replica with the same leaf id), as a second
     * {@link io.patternkit.scatter.ScatterLeaf} serving the same shard would.
     *
     * @param pool the pool
     * @param shard the shard
     * @param leafId the replica's id, unique in the pool
     * @param requestType the type the request is read as
     * @param handler the replica's code
     * @param <Q> the request type
     * @param <P> the part type
     * @return this fake
     */
    public synchronized <Q, P> InMemoryScatter replica(String pool, String shard, String leafId, Class<Q> requestType,
            LeafHandler<Q, P> handler) {
        Replica<Q, P> replica = replicaOf(Arguments.id("leafId", leafId), requestType, handler);
        List<Replica<?, ?>> replicas = pools.computeIfAbsent(Arguments.pool(pool), p -> new LinkedHashMap<>())
                .computeIfAbsent(Arguments.id("shard", shard), s -> new ArrayList<>());
        replicas.removeIf(r -> r.leafId().equals(leafId));
        replicas.add(replica);
        return this;
    }

    private static <Q, P> Replica<Q, P> replicaOf(String leafId, Class<Q> requestType, LeafHandler<Q, P> handler) {
        return new Replica<>(leafId, Objects.requireNonNull(requestType, "requestType"),
                Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Makes every replica of a shard a straggler: a handler starts only after {@code delay} (real time),
     * unless its request is cancelled first.
     *
     * @param pool the pool
     * @param shard the shard
     * @param delay the delay before the handler runs; zero removes it
     * @return this fake
     */
    public InMemoryScatter slow(String pool, String shard, Duration delay) {
        faults.putDelay(pool + "/" + shard, delay);
        return this;
    }

    /**
     * Makes one replica a straggler, as {@link #slow} does for a whole shard; it wins over the shard's delay.
     *
     * @param pool the pool
     * @param leafId the replica
     * @param delay the delay before its handler runs; zero removes it
     * @return this fake
     */
    public InMemoryScatter slowReplica(String pool, String leafId, Duration delay) {
        faults.putDelay(pool + "#" + leafId, delay);
        return this;
    }

    /**
     * Makes every replica of a shard fail as if its handler threw {@code error}; null removes the fault.
     *
     * @param pool the pool
     * @param shard the shard
     * @param error the failure
     * @return this fake
     */
    public InMemoryScatter failing(String pool, String shard, RuntimeException error) {
        faults.putFailure(pool + "/" + shard, error);
        return this;
    }

    /**
     * Makes one replica fail as if its handler threw {@code error} (the root then fails over to another
     * replica); null removes the fault. It wins over the shard's fault.
     *
     * @param pool the pool
     * @param leafId the replica
     * @param error the failure
     * @return this fake
     */
    public InMemoryScatter failingReplica(String pool, String leafId, RuntimeException error) {
        faults.putFailure(pool + "#" + leafId, error);
        return this;
    }

    /**
     * Serves a merge container at {@code url} for {@link #scatterMerged}, with the same handler a real
     * {@link io.patternkit.scatter.MergeContainer} would run: it gets the request and the answered parts
     * (read through JSON as the given types, by shard in arrival order) and its answer is read back
     * through JSON as the result type; throwing gives the result a {@code mergeError}.
     *
     * @param url the merge URL the options will name
     * @param requestType the type the scatter request is read as
     * @param partType the type each part is read as
     * @param handler the merge
     * @param <Q> the request type
     * @param <P> the part type
     * @return this fake
     */
    public <Q, P> InMemoryScatter mergeContainer(URI url, Class<Q> requestType, Class<P> partType,
            MergeHandler<Q, P, ?> handler) {
        mergeContainers.put(Objects.requireNonNull(url, "url"), new MergeContainer<>(Objects.requireNonNull(requestType,
                "requestType"), Objects.requireNonNull(partType, "partType"), Objects.requireNonNull(handler, "handler")));
        return this;
    }

    /** A merge container of this fake. */
    private record MergeContainer<Q, P>(Class<Q> requestType, Class<P> partType, MergeHandler<Q, P, ?> handler) {
        Object merge(String pool, String scatterId, JsonNode request, Map<String, JsonNode> answers) throws Exception {
            Map<String, P> parts = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> a : answers.entrySet()) {
                parts.put(a.getKey(), Json.mapper().treeToValue(a.getValue(), partType));
            }
            return handler.merge(new MergeInput<>(pool, Optional.of(scatterId),
                    Json.mapper().treeToValue(request, requestType), parts));
        }
    }

    /** Turns the gathered value into the result; a throw becomes the result's merge error. */
    @FunctionalInterface
    private interface Finisher<M, R> {
        R finish(String scatterId, M merged) throws Exception;
    }

    @Override
    public <Q, P, R> GatherResult<R> scatter(String pool, Q request, Class<P> partType, Merger<P, R> merger,
            ScatterOptions options) {
        Objects.requireNonNull(partType, "partType");
        Objects.requireNonNull(merger, "merger");
        if (Objects.requireNonNull(options, "options").mergeUrl().isPresent()) {
            throw new IllegalArgumentException("the options name a merge container; call scatterMerged");
        }
        return run(pool, request, options, partType, merger, null);
    }

    @Override
    public <Q, R> GatherResult<R> scatterMerged(String pool, Q request, Class<R> resultType, ScatterOptions options) {
        Objects.requireNonNull(resultType, "resultType");
        URI url = Objects.requireNonNull(options, "options").mergeUrl().orElseThrow(() ->
                new IllegalArgumentException("scatterMerged needs ScatterOptions.mergeUrl"));
        MergeContainer<?, ?> container = mergeContainers.get(url);
        if (container == null) {
            throw new IllegalArgumentException("no merge container registered at " + url + "; call mergeContainer");
        }
        JsonNode wireRequest = Json.mapper().valueToTree(Objects.requireNonNull(request, "request"));
        return run(pool, request, options, JsonNode.class, Merger.byShard(), (scatterId, parts) ->
                Json.mapper().convertValue(container.merge(pool, scatterId, wireRequest, parts), resultType));
    }

    private <Q, P, M, R> GatherResult<R> run(String pool, Q request, ScatterOptions options, Class<P> partType,
            Merger<P, M> merger, Finisher<M, R> finisher) {
        Arguments.pool(pool);
        JsonNode wireRequest = Json.mapper().valueToTree(Objects.requireNonNull(request, "request"));
        Map<String, List<Replica<?, ?>>> targets = new LinkedHashMap<>();
        synchronized (this) {
            Map<String, List<Replica<?, ?>>> known = pools.getOrDefault(pool, Map.of());
            for (String shard : options.shards().isEmpty() ? known.keySet() : options.shards()) {
                targets.put(shard, List.copyOf(known.getOrDefault(shard, List.of())));
            }
        }
        if (targets.isEmpty()) {
            throw new NotFoundException("pool '" + pool + "' has no leaves (in-memory scatter)",
                    ProblemType.NOT_FOUND.uri());
        }
        String scatterId = UUID.randomUUID().toString();
        InMemoryScatterCall call = new InMemoryScatterCall(pool, scatterId, wireRequest, options,
                poolStates.computeIfAbsent(pool, p -> new PoolState()), faults, threads);
        Fold<P, M> fold = new Fold<>(partType, merger);
        InMemoryScatterCall.Result result = call.run(targets, options.completion().required(targets.size()), fold);
        boolean complete = result.outcomes().stream().allMatch(ShardOutcome::answered);
        GatherStats stats = new GatherStats(result.leafRequests(), result.hedgedRequests(), result.hedgesWon(),
                result.cancelledRequests());
        M merged = fold.merged;
        if (finisher == null) {
            @SuppressWarnings("unchecked")
            R r = (R) merged;
            return new GatherResult<>(pool, scatterId, complete, result.policyMet(), result.elapsed(), result.outcomes(),
                    stats, r);
        }
        try {
            return new GatherResult<>(pool, scatterId, complete, result.policyMet(), result.elapsed(), result.outcomes(),
                    stats, finisher.finish(scatterId, merged), null);
        } catch (Exception e) {
            return new GatherResult<>(pool, scatterId, complete, result.policyMet(), result.elapsed(), result.outcomes(),
                    stats, null, "the merge container failed: " + e);
        }
    }

    /** Reads each answer as the part type and hands it to the merger; false when it cannot be read. */
    private static final class Fold<P, M> implements Predicate<InMemoryScatterCall.Answer> {
        private final Class<P> partType;
        private final Merger<P, M> merger;
        private M merged;

        Fold(Class<P> partType, Merger<P, M> merger) {
            this.partType = partType;
            this.merger = merger;
            this.merged = merger.initial();
        }

        @Override
        public boolean test(InMemoryScatterCall.Answer answer) {
            P part;
            try {
                part = Json.mapper().treeToValue(answer.response(), partType);
            } catch (JsonProcessingException e) {
                return false;
            }
            merged = merger.merge(merged, new Part<>(answer.shard(), answer.leafId(), part, answer.latency(),
                    answer.hedged()));
            return true;
        }
    }

    /** Stops the leaf threads (running handlers are interrupted). */
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
