package io.patternkit.testing;

import io.patternkit.core.internal.DaemonThreads;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.core.NotFoundException;
import io.patternkit.core.internal.Json;
import io.patternkit.protocol.ProblemType;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.GatherStats;
import io.patternkit.scatter.LeafHandler;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.Part;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.scatter.ShardOutcome;
import io.patternkit.scatter.ShardStatus;
import io.patternkit.scatter.internal.Arguments;
import io.patternkit.scatter.internal.DefaultLeafContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * An in-memory {@link ScatterGather} for unit tests of code that scatters: Java {@link LeafHandler}s
 * registered per shard run on threads of this fake, with the root's result semantics and no sidecar.
 *
 * <pre>{@code
 * InMemoryScatter scatter = new InMemoryScatter()
 *         .leaf("search", "s1", Query.class, (q, ctx) -> new Hits(List.of("a")))
 *         .leaf("search", "s2", Query.class, (q, ctx) -> new Hits(List.of("b")))
 *         .slow("search", "s2", Duration.ofSeconds(5));           // a straggler
 * GatherResult<List<Hits>> r = scatter.scatter("search", new Query("x"), Hits.class, Merger.toList(),
 *         ScatterOptions.builder().deadline(Duration.ofMillis(100)).build());
 * assertThatThrownBy(r::value).isInstanceOf(PartialResultException.class);   // s2 timedOut
 * }</pre>
 *
 * <p>Semantics, as the root sidecar: the request and every part travel through JSON (so a type that
 * would not survive the wire fails here too); every asked shard appears once, in completion order, as
 * answered, failed (the handler threw: reason {@code leaf-failed: the leaf handler failed with <class>};
 * or the part cannot be read as the part type), timedOut (no answer within the leaf timeout or the
 * deadline) or skipped (no leaf registered for it, or the completion policy was met first); leaves that
 * are no longer needed are cancelled ({@code LeafContext.whenCancelled()}); the merger sees parts in
 * arrival order on the calling thread; a pool with no leaves is {@link NotFoundException} unless the
 * options name shards. Not modelled: replicas, hedging (one attempt per shard) and failover. Deadlines
 * are real time. Thread-safe.
 */
public final class InMemoryScatter implements ScatterGather, AutoCloseable {
    private final Map<String, Map<String, Leaf<?, ?>>> pools = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
    private final Map<URI, Function<List<Object>, Object>> mergeContainers = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("in-memory-scatter-leaf"));

    private record Leaf<Q, P>(Class<Q> type, LeafHandler<Q, P> handler) {
    }

    private record Arrival(String shard, ShardStatus status, JsonNode response, String reason, Duration latency) {
    }

    /**
     * Registers (or replaces) the leaf of a shard.
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
        pools.computeIfAbsent(Arguments.pool(pool), p -> new LinkedHashMap<>())
                .put(Arguments.id("shard", shard), new Leaf<>(Objects.requireNonNull(requestType, "requestType"),
                        Objects.requireNonNull(handler, "handler")));
        return this;
    }

    /**
     * Makes a shard a straggler: its handler starts only after {@code delay} (real time), unless the call
     * is cancelled first.
     *
     * @param pool the pool
     * @param shard the shard
     * @param delay the delay before the handler runs; zero removes it
     * @return this fake
     */
    public InMemoryScatter slow(String pool, String shard, Duration delay) {
        delays.put(pool + "/" + shard, Objects.requireNonNull(delay, "delay"));
        return this;
    }

    /**
     * Makes a shard fail as if its handler threw {@code error}; null removes the fault.
     *
     * @param pool the pool
     * @param shard the shard
     * @param error the failure
     * @return this fake
     */
    public InMemoryScatter failing(String pool, String shard, RuntimeException error) {
        if (error == null) {
            failures.remove(pool + "/" + shard);
        } else {
            failures.put(pool + "/" + shard, error);
        }
        return this;
    }

    /**
     * Serves a merge container at {@code url} for {@link #scatterMerged}: {@code merge} gets the answered
     * parts (as plain JSON values: maps, lists, strings, numbers) in arrival order and returns the merged
     * value (read back through JSON as the result type); throwing gives a {@code mergeError}.
     *
     * @param url the merge URL the options will name
     * @param merge the merge
     * @return this fake
     */
    public InMemoryScatter mergeContainer(URI url, Function<List<Object>, Object> merge) {
        mergeContainers.put(Objects.requireNonNull(url, "url"), Objects.requireNonNull(merge, "merge"));
        return this;
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
        Function<List<Object>, Object> merge = mergeContainers.get(url);
        if (merge == null) {
            throw new IllegalArgumentException("no merge container registered at " + url + "; call mergeContainer");
        }
        return run(pool, request, options, JsonNode.class, Merger.toList(), parts -> {
            List<Object> plain = new ArrayList<>();
            parts.forEach(p -> plain.add(Json.mapper().convertValue(p, Object.class)));
            return Json.mapper().convertValue(merge.apply(plain), resultType);
        });
    }

    private <Q, P, M, R> GatherResult<R> run(String pool, Q request, ScatterOptions options, Class<P> partType,
            Merger<P, M> merger, Function<M, R> finisher) {
        Arguments.pool(pool);
        JsonNode wireRequest = Json.mapper().valueToTree(Objects.requireNonNull(request, "request"));
        Map<String, Leaf<?, ?>> leaves;
        synchronized (this) {
            leaves = new LinkedHashMap<>(pools.getOrDefault(pool, Map.of()));
        }
        List<String> shards = options.shards().isEmpty() ? new ArrayList<>(leaves.keySet()) : options.shards();
        if (shards.isEmpty()) {
            throw new NotFoundException("pool '" + pool + "' has no leaves (in-memory scatter)",
                    ProblemType.NOT_FOUND.uri());
        }
        String scatterId = UUID.randomUUID().toString();
        long start = System.nanoTime();
        long deadline = start + options.deadline().toNanos();
        Duration leafBudget = options.leafTimeout().orElse(options.deadline());
        LinkedBlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        Map<String, DefaultLeafContext> running = new LinkedHashMap<>();
        List<ShardOutcome> outcomes = new ArrayList<>();
        for (String shard : shards) {
            Leaf<?, ?> leaf = leaves.get(shard);
            if (leaf == null) {
                outcomes.add(outcome(shard, ShardStatus.SKIPPED, "no replica known", Optional.empty(), 0));
                continue;
            }
            DefaultLeafContext ctx = new DefaultLeafContext(pool, shard, "in-memory-" + shard, scatterId, 1, leafBudget);
            running.put(shard, ctx);
            threads.execute(() -> arrivals.add(runLeaf(pool, shard, leaf, wireRequest, ctx, start)));
        }
        int required = options.completion().required(shards.size());
        int answered = 0;
        M value = merger.initial();
        try {
            while (!running.isEmpty() && answered < required) {
                long left = deadline - System.nanoTime();
                Arrival a = left <= 0 ? null : arrivals.poll(left, TimeUnit.NANOSECONDS);
                if (a == null) {
                    break;
                }
                running.remove(a.shard());
                ShardStatus status = a.status();
                String reason = a.reason();
                if (status == ShardStatus.ANSWERED) {
                    try {
                        P part = Json.mapper().treeToValue(a.response(), partType);
                        value = merger.merge(value, new Part<>(a.shard(), "in-memory-" + a.shard(), part, a.latency(),
                                false));
                        answered++;
                    } catch (JsonProcessingException e) {
                        status = ShardStatus.FAILED;
                        reason = "the leaf's answer cannot be read as " + partType.getName();
                    }
                }
                outcomes.add(outcome(a.shard(), status, reason, Optional.of(a.latency()), 1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean policyMet = answered >= required;
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        for (Map.Entry<String, DefaultLeafContext> r : running.entrySet()) {
            r.getValue().cancel();
            outcomes.add(outcome(r.getKey(), policyMet ? ShardStatus.SKIPPED : ShardStatus.TIMED_OUT,
                    policyMet ? "completion policy met" : "no answer within " + options.deadline().toMillis() + " ms",
                    Optional.of(elapsed), 1));
        }
        boolean complete = outcomes.stream().allMatch(ShardOutcome::answered);
        GatherStats stats = new GatherStats(shards.size() - (int) outcomes.stream().filter(o -> o.attempts() == 0)
                .count(), 0, 0, running.size());
        if (finisher == null) {
            @SuppressWarnings("unchecked")
            R r = (R) value;
            return new GatherResult<>(pool, scatterId, complete, policyMet, elapsed, outcomes, stats, r);
        }
        try {
            return new GatherResult<>(pool, scatterId, complete, policyMet, elapsed, outcomes, stats,
                    finisher.apply(value), null);
        } catch (RuntimeException e) {
            return new GatherResult<>(pool, scatterId, complete, policyMet, elapsed, outcomes, stats, null,
                    "the merge container failed: " + e);
        }
    }

    private <Q, P> Arrival runLeaf(String pool, String shard, Leaf<Q, P> leaf, JsonNode request, DefaultLeafContext ctx,
            long start) {
        Duration delay = delays.getOrDefault(pool + "/" + shard, Duration.ZERO);
        try {
            if (!delay.isZero()) {
                try {
                    ctx.whenCancelled().toCompletableFuture().get(delay.toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException slowEnough) {
                    // the straggler's delay has passed
                }
            }
            if (ctx.isCancelled() || ctx.remaining().isZero()) {
                return timedOut(shard, ctx, start);
            }
            RuntimeException fault = failures.get(pool + "/" + shard);
            if (fault != null) {
                throw fault;
            }
            P part = leaf.handler().handle(Json.mapper().treeToValue(request, leaf.type()), ctx);
            if (ctx.remaining().isZero()) {
                return timedOut(shard, ctx, start);
            }
            return new Arrival(shard, ShardStatus.ANSWERED, Json.mapper().valueToTree(part), null, since(start));
        } catch (InterruptedException | ExecutionException e) {
            return timedOut(shard, ctx, start);
        } catch (Exception e) {
            return new Arrival(shard, ShardStatus.FAILED, null, "leaf-failed: the leaf handler failed with "
                    + e.getClass().getName(), since(start));
        }
    }

    private static Arrival timedOut(String shard, DefaultLeafContext ctx, long start) {
        return new Arrival(shard, ShardStatus.TIMED_OUT, null, "no answer within the leaf timeout", since(start));
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static ShardOutcome outcome(String shard, ShardStatus status, String reason, Optional<Duration> latency,
            int attempts) {
        return new ShardOutcome(shard, status, attempts == 0 ? Optional.empty() : Optional.of("in-memory-" + shard),
                Optional.ofNullable(reason), latency, false, attempts);
    }

    /** Stops the leaf threads (running handlers are interrupted). */
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
