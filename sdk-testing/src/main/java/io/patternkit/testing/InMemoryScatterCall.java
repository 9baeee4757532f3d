package io.patternkit.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.core.internal.Json;
import io.patternkit.scatter.Hedging;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.scatter.ShardOutcome;
import io.patternkit.scatter.ShardStatus;
import io.patternkit.scatter.internal.DefaultLeafContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * One scatter of {@link InMemoryScatter}, run as the root sidecar runs it, on the calling thread as an
 * event loop over replies, leaf timeouts and hedge timers: each shard's first request goes to a replica
 * chosen round-robin; a failure or leaf timeout fails over to the next untried replica while the deadline
 * allows; with hedging, after the hedge delay a hedged request goes to the next untried replica (once every
 * replica was asked, to the one whose request waited longest) if the pool's extra-load budget allows, and
 * again one delay later up to the hedging's maximum (a shard with one replica is not hedged), but only once
 * half of the call's other shards have settled; the first answer wins while the others are cancelled. Not
 * thread-safe; used once.
 */
final class InMemoryScatterCall {
    /** What the root uses when the options leave hedging unset. */
    static final double DEFAULT_PERCENTILE = 95.0;
    static final Duration DEFAULT_MIN_DELAY = Duration.ofMillis(1);
    static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(1);
    static final double DEFAULT_EXTRA_LOAD_PERCENT = 5.0;
    static final int DEFAULT_MAX_HEDGES = 2;

    private final InMemoryScatter.PoolState poolState;
    private final ExecutorService threads;
    private final InMemoryScatter.Faults faults;
    private final String pool;
    private final String scatterId;
    private final JsonNode request;
    private final long start;
    private final long deadline;
    private final ScatterOptions options;
    private final Duration leafTimeout;
    private final Hedging hedging;
    private final Duration hedgeDelay;
    private final LinkedBlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final Map<String, Shard> shards = new LinkedHashMap<>();
    private final List<ShardOutcome> outcomes = new ArrayList<>();
    private long leafRequests;
    private int shardCount;
    private long hedgedRequests;
    private long hedgesWon;
    private long cancelledRequests;

    /** A shard of this call. */
    private static final class Shard {
        final String name;
        final List<InMemoryScatter.Replica<?, ?>> order;
        final Set<Attempt> inflight = new LinkedHashSet<>(); // in the order sent
        final List<String> reasons = new ArrayList<>();
        int next;
        int attempts;
        int hedges;
        boolean hedged;
        boolean hedgeDue;
        boolean lastTimedOut;
        long hedgeAt = Long.MAX_VALUE;
        String lastLeaf;
        boolean settled;

        Shard(String name, List<InMemoryScatter.Replica<?, ?>> order) {
            this.name = name;
            this.order = order;
        }

        boolean hasUntried() {
            return next < order.size();
        }
    }

    /** One leaf request. */
    private record Attempt(Shard shard, InMemoryScatter.Replica<?, ?> replica, boolean hedge, long sentAt,
            long timeoutAt, DefaultLeafContext context) {
    }

    /** A leaf's reply: answered with a response, or failed or timed out with a reason. */
    private record Reply(Attempt attempt, ShardStatus status, JsonNode response, String reason) {
    }

    /** A shard's answer handed to the caller's merge, in arrival order. */
    record Answer(String shard, String leafId, JsonNode response, Duration latency, boolean hedged) {
    }

    InMemoryScatterCall(String pool, String scatterId, JsonNode request, ScatterOptions options,
            InMemoryScatter.PoolState poolState, InMemoryScatter.Faults faults, ExecutorService threads) {
        this.pool = pool;
        this.scatterId = scatterId;
        this.request = request;
        this.options = options;
        this.poolState = poolState;
        this.faults = faults;
        this.threads = threads;
        this.start = System.nanoTime();
        this.deadline = start + options.deadline().toNanos();
        this.leafTimeout = options.leafTimeout().orElse(options.deadline());
        this.hedging = options.hedging().orElse(Hedging.enabled());
        this.hedgeDelay = hedging.isEnabled() ? hedgeDelay() : null;
    }

    private Duration hedgeDelay() {
        Duration min = hedging.minDelay().orElse(DEFAULT_MIN_DELAY);
        Duration max = hedging.maxDelay().orElse(DEFAULT_MAX_DELAY);
        Duration observed = poolState.percentile(hedging.delayPercentile().orElse(DEFAULT_PERCENTILE)).orElse(max);
        return observed.compareTo(min) < 0 ? min : observed.compareTo(max) > 0 ? max : observed;
    }

    /**
     * Runs the scatter to its end.
     *
     * @param targets the shards to ask and their replicas, in the order asked; an empty list skips the shard
     * @param required answered shards that meet the completion policy
     * @param onAnswer receives each answered shard, in arrival order, on this thread; returns false when the
     *     answer could not be used (the shard then counts as failed)
     * @return the outcomes and counts
     */
    Result run(Map<String, List<InMemoryScatter.Replica<?, ?>>> targets, int required,
            Predicate<Answer> onAnswer) {
        shardCount = targets.size();
        for (Map.Entry<String, List<InMemoryScatter.Replica<?, ?>>> t : targets.entrySet()) {
            if (t.getValue().isEmpty()) {
                outcomes.add(outcome(t.getKey(), ShardStatus.SKIPPED, "no replica known for the shard", null, 0, false));
                continue;
            }
            Shard shard = new Shard(t.getKey(), poolState.rotated(t.getKey(), t.getValue()));
            shards.put(shard.name, shard);
            send(shard, false);
        }
        int answered = 0;
        int pending = shards.size();
        try {
            while (pending > 0 && answered < required) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    break;
                }
                Reply reply = replies.poll(nextEvent() - now, TimeUnit.NANOSECONDS);
                if (reply != null && !reply.attempt().shard().settled && reply.attempt().shard().inflight.remove(reply.attempt())) {
                    Shard shard = reply.attempt().shard();
                    if (reply.status() == ShardStatus.ANSWERED) {
                        poolState.record(Duration.ofNanos(System.nanoTime() - reply.attempt().sentAt()));
                        hedgesWon += reply.attempt().hedge() ? 1 : 0;
                        shard.lastLeaf = reply.attempt().replica().leafId();
                        Answer answer = new Answer(shard.name, shard.lastLeaf, reply.response(), since(start), shard.hedged);
                        boolean used = onAnswer.test(answer);
                        settle(shard, used ? ShardStatus.ANSWERED : ShardStatus.FAILED,
                                used ? null : "the leaf's answer cannot be read as the part type");
                        pending--;
                        answered += used ? 1 : 0;
                    } else {
                        shard.reasons.add("leaf " + reply.attempt().replica().leafId() + ": " + reply.reason());
                        shard.lastTimedOut = reply.status() == ShardStatus.TIMED_OUT;
                        pending -= failOver(shard) ? 1 : 0;
                    }
                }
                pending -= fireTimers();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean policyMet = answered >= required;
        for (Shard shard : shards.values()) {
            if (!shard.settled) {
                if (!policyMet) {
                    shard.reasons.add(0, "no answer within the deadline of " + options.deadline().toMillis() + " ms");
                }
                settle(shard, policyMet ? ShardStatus.SKIPPED : ShardStatus.TIMED_OUT,
                        policyMet ? "completion policy met" : String.join("; ", shard.reasons));
            }
        }
        return new Result(outcomes, policyMet, Duration.ofNanos(System.nanoTime() - start), leafRequests,
                hedgedRequests, hedgesWon, cancelledRequests);
    }

    /** What the call ended with. */
    record Result(List<ShardOutcome> outcomes, boolean policyMet, Duration elapsed, long leafRequests,
            long hedgedRequests, long hedgesWon, long cancelledRequests) {
    }

    private long nextEvent() {
        long next = deadline;
        for (Shard shard : shards.values()) {
            next = Math.min(next, shard.hedgeAt);
            for (Attempt a : shard.inflight) {
                next = Math.min(next, a.timeoutAt());
            }
        }
        return next;
    }

    /** @return how many shards the due leaf timeouts and hedge timers settled */
    private int fireTimers() {
        long now = System.nanoTime();
        int settled = 0;
        for (Shard shard : shards.values()) {
            if (shard.settled) {
                continue;
            }
            List<Attempt> late = shard.inflight.stream().filter(a -> a.timeoutAt() <= now).toList();
            for (Attempt a : late) {
                shard.inflight.remove(a);
                cancel(a);
                shard.reasons.add("leaf " + a.replica().leafId() + ": no answer within the leaf timeout of "
                        + leafTimeout.toMillis() + " ms");
                shard.lastTimedOut = true;
            }
            if (!late.isEmpty() && failOver(shard)) {
                settled++;
                continue;
            }
            if (shard.hedgeAt <= now) {
                shard.hedgeAt = Long.MAX_VALUE;
                shard.hedgeDue = true;
            }
            if (shard.hedgeDue && 2 * outcomes.size() >= shardCount - 1) { // slower than the call's median shard
                shard.hedgeDue = false;
                if (mayHedgeAgain(shard) && poolState.trySpendHedge()) {
                    send(shard, true);
                }
            }
        }
        return settled;
    }

    /** @return true when the shard was settled because no replica is left to try */
    private boolean failOver(Shard shard) {
        if (!shard.inflight.isEmpty()) {
            return false;
        }
        if (!shard.hasUntried()) {
            settle(shard, shard.lastTimedOut ? ShardStatus.TIMED_OUT : ShardStatus.FAILED, String.join("; ", shard.reasons));
            return true;
        }
        send(shard, false);
        return false;
    }

    private void send(Shard shard, boolean hedge) {
        long now = System.nanoTime();
        long remaining = deadline - now;
        if (remaining <= 0) {
            return;
        }
        InMemoryScatter.Replica<?, ?> replica = shard.hasUntried() ? shard.order.get(shard.next++)
                : shard.inflight.iterator().next().replica(); // only a hedge asks again: the longest waiting
        boolean first = shard.attempts == 0;
        shard.attempts++;
        shard.lastLeaf = replica.leafId();
        leafRequests++;
        if (hedge) {
            hedgedRequests++;
            shard.hedges++;
            shard.hedged = true;
        }
        if (first && hedgeDelay != null) {
            poolState.earnHedge(hedging.maxExtraLoadPercent().orElse(DEFAULT_EXTRA_LOAD_PERCENT));
        }
        long budget = Math.min(leafTimeout.toNanos(), remaining);
        DefaultLeafContext context = new DefaultLeafContext(pool, shard.name, replica.leafId(), scatterId,
                shard.attempts, Duration.ofNanos(budget));
        Attempt attempt = new Attempt(shard, replica, hedge, now, now + budget, context);
        shard.inflight.add(attempt);
        threads.execute(() -> replies.add(reply(attempt)));
        if ((first || hedge) && mayHedgeAgain(shard)) {
            shard.hedgeAt = now + hedgeDelay.toNanos();
        }
    }

    private boolean mayHedgeAgain(Shard shard) {
        return hedgeDelay != null && shard.order.size() > 1 && !shard.inflight.isEmpty()
                && shard.hedges < hedging.maxHedges().orElse(DEFAULT_MAX_HEDGES);
    }

    private Reply reply(Attempt attempt) {
        DefaultLeafContext ctx = attempt.context();
        String shard = attempt.shard().name;
        String leafId = attempt.replica().leafId();
        try {
            Duration delay = faults.delay(pool, shard, leafId);
            if (!delay.isZero()) {
                try {
                    ctx.whenCancelled().toCompletableFuture().get(delay.toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException slowEnough) {
                    // the straggler's delay has passed
                }
            }
            if (ctx.isCancelled() || ctx.remaining().isZero()) {
                return new Reply(attempt, ShardStatus.TIMED_OUT, null, "no answer within the leaf timeout");
            }
            Optional<RuntimeException> fault = faults.failure(pool, shard, leafId);
            if (fault.isPresent()) {
                throw fault.get();
            }
            JsonNode response = attempt.replica().answer(request, ctx);
            if (ctx.remaining().isZero()) {
                return new Reply(attempt, ShardStatus.TIMED_OUT, null, "no answer within the leaf timeout");
            }
            return new Reply(attempt, ShardStatus.ANSWERED, response, null);
        } catch (InterruptedException | ExecutionException e) {
            return new Reply(attempt, ShardStatus.TIMED_OUT, null, "no answer within the leaf timeout");
        } catch (Exception e) {
            return new Reply(attempt, ShardStatus.FAILED, null, "leaf-failed: the leaf handler failed with "
                    + e.getClass().getName());
        }
    }

    private void settle(Shard shard, ShardStatus status, String reason) {
        shard.settled = true;
        shard.hedgeAt = Long.MAX_VALUE;
        shard.inflight.forEach(this::cancel);
        shard.inflight.clear();
        outcomes.add(outcome(shard.name, status, reason, shard.lastLeaf, shard.attempts, shard.hedged));
    }

    private void cancel(Attempt attempt) {
        attempt.context().cancel();
        cancelledRequests++;
    }

    private ShardOutcome outcome(String shard, ShardStatus status, String reason, String leafId, int attempts,
            boolean hedged) {
        return new ShardOutcome(shard, status, Optional.ofNullable(leafId), Optional.ofNullable(reason),
                attempts == 0 ? Optional.empty() : Optional.of(since(start)), hedged, attempts);
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
