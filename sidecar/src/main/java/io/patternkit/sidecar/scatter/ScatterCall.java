package io.patternkit.sidecar.scatter;

import io.patternkit.protocol.ShardStatus;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.common.ExtraLoadBudget;
import io.patternkit.sidecar.scatter.ScatterMetrics.Kind;
import io.patternkit.sidecar.scatter.TaskScheduler.Cancellable;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One running scatter call: a state machine driven by leaf replies and timers, all on one thread
 * (the context the call was started on), so it holds no locks.
 *
 * <p>Each shard gets one first request to a replica chosen round-robin; then, as events arrive:
 * an answer settles the shard (other requests of the shard are cancelled); a failure or a leaf
 * timeout fails over to the next untried replica while the deadline allows, or settles the shard
 * as failed or timed out when none is left; the hedge timer, at the hedge delay, sends a hedged
 * request when the pool's budget allows, and again one delay later up to {@link Hedging#maxHedges()}
 * (as gRPC's hedging policy spaces attempts): to the next untried replica, or once every replica has
 * been asked, to the replica whose request has waited longest (a shard with one replica is not
 * hedged). A shard is hedged only while it is slower than its call's median shard: until half of the
 * other shards have settled, a due hedge waits, and goes when they have. So a slowness that hits
 * every shard at once (an overloaded machine, a pause of the network or of the root itself), which a
 * hedge cannot beat, spends no budget, and the budget is left for the stragglers it can rescue. Once
 * half of the budget's allowance is spent, a due hedge also waits until its shard is as late as the
 * budget asks ({@link ExtraLoadBudget#tryHedge(double)}: in hedge delays, one when the hedge fell due and
 * one more for each delay since), so the rest goes to the latest shards.
 *
 * <p>The call ends when every shard is settled, when the completion policy is met (unsettled shards
 * are skipped and their requests cancelled) or at the deadline (unsettled shards time out),
 * whichever comes first.
 */
public final class ScatterCall {
    private final ScatterEngine engine;
    private final ScatterPlan plan;
    private final ScatterListener listener;
    private final TaskScheduler scheduler;
    private final List<Shard> shards = new ArrayList<>();
    private final List<ShardOutcome> answerOrder = new ArrayList<>();
    private final String bodyPrefix;
    private long startNanos;
    private long deadlineNanos;
    private Duration hedgeDelay;
    private Cancellable deadlineTimer;
    private boolean starting;
    private boolean finished;
    private int settled;
    private int answered;
    private int leafRequests;
    private int hedgedRequests;
    private int hedgesWon;
    private int cancelledRequests;

    ScatterCall(ScatterEngine engine, ScatterPlan plan, ScatterListener listener) {
        this.engine = engine;
        this.plan = plan;
        this.listener = listener;
        this.scheduler = engine.scheduler();
        this.bodyPrefix = "{\"pool\":" + engine.quote(plan.pool()) + ",\"scatterId\":" + engine.quote(plan.scatterId())
                + ",\"shard\":";
    }

    /** A shard of the call and its requests. */
    private final class Shard {
        final ShardTarget target;
        final List<Leaf> order;
        final List<Attempt> inflight = new ArrayList<>();
        final List<String> reasons = new ArrayList<>();
        int next;
        int attempts;
        int hedges;
        boolean hedged;
        boolean hedgeDue;
        boolean lastTimedOut;
        long hedgeDueNanos;
        String lastLeaf;
        Cancellable hedgeTimer;
        ShardOutcome outcome;

        Shard(ShardTarget target) {
            this.target = target;
            List<Leaf> replicas = target.replicas();
            List<Leaf> rotated = new ArrayList<>(replicas.size());
            if (!replicas.isEmpty()) {
                int start = Math.floorMod(engine.nextRoundRobin(plan.pool(), target.shard()), replicas.size());
                for (int i = 0; i < replicas.size(); i++) {
                    rotated.add(replicas.get((start + i) % replicas.size()));
                }
            }
            this.order = rotated;
        }

        boolean hasUntried() {
            return next < order.size();
        }

        boolean mayHedgeAgain() {
            return plan.hedging().active() && outcome == null && order.size() > 1 && hedges < plan.hedging().maxHedges();
        }
    }

    /** One leaf request. */
    private final class Attempt {
        final Shard shard;
        final Leaf leaf;
        final boolean hedge;
        final long sentNanos;
        Cancellable request;
        Cancellable timeout;
        boolean done;

        Attempt(Shard shard, Leaf leaf, boolean hedge, long sentNanos) {
            this.shard = shard;
            this.leaf = leaf;
            this.hedge = hedge;
            this.sentNanos = sentNanos;
        }
    }

    void start() {
        starting = true;
        startNanos = scheduler.nanoTime();
        deadlineNanos = startNanos + plan.deadline().toNanos();
        // The percentile is only worth its cost, and the pool's latency state only worth making, when this call may
        // hedge: hedging on, and a shard with a second replica (a call to a pool with no leaves makes no state).
        hedgeDelay = plan.hedging().active() && plan.targets().stream().anyMatch(t -> t.replicas().size() > 1)
                ? hedgeDelay() : null;
        deadlineTimer = scheduler.schedule(plan.deadline(), this::onDeadline);
        for (ShardTarget target : plan.targets()) {
            shards.add(new Shard(target));
        }
        for (Shard shard : shards) {
            if (shard.order.isEmpty()) {
                settle(shard, ShardStatus.SKIPPED, "no replica known for the shard", null);
            } else if (shard.outcome == null && send(shard, Kind.FIRST) == Sent.NO_REPLICA) {
                settle(shard, ShardStatus.FAILED, String.join("; ", shard.reasons), null);
            }
        }
        starting = false;
        checkCompletion();
    }

    /**
     * Stops the call without an outcome (the client went away): cancels every outstanding leaf
     * request and timer. The listener hears nothing more. Does nothing once the call has ended.
     */
    public void cancel() {
        if (finished) {
            return;
        }
        finished = true;
        deadlineTimer.cancel();
        for (Shard shard : shards) {
            cancelRequests(shard);
        }
    }

    /** @return the hedge delay this call uses: the pool's latency percentile within min/max, or max without samples */
    Duration hedgeDelay() {
        Hedging h = plan.hedging();
        Duration observed = engine.latency(plan.pool()).percentile(h.delayPercentile()).orElse(h.maxDelay());
        if (observed.compareTo(h.minDelay()) < 0) {
            return h.minDelay();
        }
        return observed.compareTo(h.maxDelay()) > 0 ? h.maxDelay() : observed;
    }

    private enum Sent { SENT, NO_REPLICA, NO_TIME }

    private Sent send(Shard shard, Kind kind) {
        // Only a hedge asks a replica again, and only one that is still working on the shard.
        boolean again = !shard.hasUntried();
        if (again && (kind != Kind.HEDGE || shard.inflight.isEmpty())) {
            return Sent.NO_REPLICA;
        }
        long now = scheduler.nanoTime();
        long remaining = deadlineNanos - now;
        if (remaining <= 0) {
            return Sent.NO_TIME;
        }
        Leaf leaf = again ? shard.inflight.get(0).leaf : shard.order.get(shard.next++); // in flight: oldest first
        Optional<String> authorization;
        try {
            authorization = engine.token().authorizationFor(leaf.url());
        } catch (IllegalStateException refused) { // the token would cross a network in clear: the next replica
            shard.reasons.add("leaf " + leaf.leafId() + ": " + refused.getMessage());
            return again ? Sent.NO_REPLICA : send(shard, kind);
        }
        long budget = Math.min(plan.leafTimeout().toNanos(), remaining);
        Attempt attempt = new Attempt(shard, leaf, kind == Kind.HEDGE, now);
        shard.attempts++;
        shard.lastLeaf = leaf.leafId();
        shard.inflight.add(attempt);
        leafRequests++;
        engine.metrics().leafRequest(plan.pool(), kind);
        if (kind == Kind.HEDGE) {
            hedgedRequests++;
            shard.hedges++;
            shard.hedged = true;
        }
        if (kind == Kind.FIRST && plan.hedging().active()) {
            engine.budget(plan.pool()).earn(plan.hedging().maxExtraLoadPercent());
        }
        if (plan.leafTimeout().toNanos() < remaining) {
            attempt.timeout = scheduler.schedule(plan.leafTimeout(), () -> onLeafTimeout(attempt));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Wire.HEADER_DEADLINE_MS, Long.toString(Math.max(1, budget / 1_000_000)));
        headers.put(Wire.HEADER_SCATTER_ID, plan.scatterId());
        headers.put(Wire.HEADER_ATTEMPT, Integer.toString(shard.attempts));
        authorization.ifPresent(value -> headers.put("Authorization", value));
        Buffer body = Buffer.buffer(bodyPrefix + engine.quote(shard.target.shard()) + ",\"request\":" + plan.requestJson() + "}",
                StandardCharsets.UTF_8.name());
        Cancellable request = engine.poster().post(leaf.url(), headers, body, Duration.ofNanos(budget),
                reply -> onReply(attempt, reply));
        if (attempt.done) {
            request.cancel();
        } else {
            attempt.request = request;
        }
        if (kind != Kind.FAILOVER && shard.mayHedgeAgain()) {
            shard.hedgeTimer = scheduler.schedule(hedgeDelay, () -> onHedgeDelay(shard));
        }
        return Sent.SENT;
    }

    private void onHedgeDelay(Shard shard) {
        shard.hedgeTimer = null;
        if (finished || !shard.mayHedgeAgain()) {
            return;
        }
        shard.hedgeDueNanos = scheduler.nanoTime();
        if (!halfOfTheOtherShardsSettled()) {
            shard.hedgeDue = true; // sent by settle() once half of the other shards have settled
            return;
        }
        hedge(shard);
    }

    /** @return whether at least half of the other shards of the call have settled (always, with one shard) */
    private boolean halfOfTheOtherShardsSettled() {
        return 2 * settled >= shards.size() - 1;
    }

    /**
     * Sends the shard's due hedge if the budget allows it for a hedge this late: one hedge delay when it
     * fell due, and one more for each delay it has waited since. When the budget asks for a later one,
     * the hedge waits until it is that late and is weighed again then (what is left may have grown or
     * shrunk meanwhile); when that is past the call's deadline, or nothing is left, it is denied.
     */
    private void hedge(Shard shard) {
        ExtraLoadBudget budget = engine.budget(plan.pool());
        long now = scheduler.nanoTime();
        double overdue = hedgeDelay.isZero() ? Double.MAX_VALUE
                : 1.0 + (double) (now - shard.hedgeDueNanos) / hedgeDelay.toNanos();
        double delaysToWait = budget.tryHedge(overdue);
        if (delaysToWait == 0) {
            send(shard, Kind.HEDGE);
            return;
        }
        long later = delaysToWait == Double.POSITIVE_INFINITY ? Long.MAX_VALUE
                : Math.max(1, (long) Math.ceil(delaysToWait * hedgeDelay.toNanos()));
        if (later >= deadlineNanos - now) {
            engine.metrics().hedge(plan.pool(), "denied");
            return;
        }
        engine.metrics().hedge(plan.pool(), "deferred");
        shard.hedgeTimer = scheduler.schedule(Duration.ofNanos(later), () -> onDeferredHedge(shard));
    }

    private void onDeferredHedge(Shard shard) {
        shard.hedgeTimer = null;
        if (!finished && shard.mayHedgeAgain()) {
            hedge(shard);
        }
    }

    private void onReply(Attempt attempt, JsonPoster.Reply reply) {
        if (attempt.done) {
            return;
        }
        attempt.done = true;
        Shard shard = attempt.shard;
        shard.inflight.remove(attempt);
        if (attempt.timeout != null) {
            attempt.timeout.cancel();
        }
        if (finished || shard.outcome != null) {
            return;
        }
        if (reply.ok()) {
            Duration latency = Duration.ofNanos(scheduler.nanoTime() - attempt.sentNanos);
            engine.latency(plan.pool()).record(latency);
            engine.metrics().leafLatency(plan.pool(), latency);
            if (attempt.hedge) {
                hedgesWon++;
                engine.metrics().hedge(plan.pool(), "won");
            }
            shard.lastLeaf = attempt.leaf.leafId();
            settle(shard, ShardStatus.ANSWERED, null, reply.body());
        } else {
            shard.reasons.add("leaf " + attempt.leaf.leafId() + ": " + reply.failure());
            shard.lastTimedOut = false;
            failOver(shard);
        }
    }

    private void onLeafTimeout(Attempt attempt) {
        if (attempt.done || finished) {
            return;
        }
        attempt.done = true;
        Shard shard = attempt.shard;
        shard.inflight.remove(attempt);
        cancelRequest(attempt);
        shard.reasons.add("leaf " + attempt.leaf.leafId() + ": no answer within the leaf timeout of "
                + plan.leafTimeout().toMillis() + " ms");
        shard.lastTimedOut = true;
        failOver(shard);
    }

    private void failOver(Shard shard) {
        if (!shard.inflight.isEmpty()) {
            return;
        }
        Sent sent = send(shard, Kind.FAILOVER);
        if (sent == Sent.NO_REPLICA) {
            settle(shard, shard.lastTimedOut ? ShardStatus.TIMED_OUT : ShardStatus.FAILED, String.join("; ", shard.reasons), null);
        }
        // NO_TIME: the deadline timer fires now and times the shard out.
    }

    private void onDeadline() {
        if (finished) {
            return;
        }
        String reason = "no answer within the deadline of " + plan.deadline().toMillis() + " ms";
        starting = true;
        for (Shard shard : shards) {
            if (shard.outcome == null) {
                List<String> reasons = new ArrayList<>(shard.reasons);
                reasons.add(0, reason);
                settle(shard, ShardStatus.TIMED_OUT, String.join("; ", reasons), null);
            }
        }
        starting = false;
        finish();
    }

    private void settle(Shard shard, ShardStatus status, String reason, JsonNode response) {
        cancelRequests(shard);
        Duration latency = Duration.ofNanos(scheduler.nanoTime() - startNanos);
        shard.outcome = new ShardOutcome(shard.target.shard(), status, reason, shard.lastLeaf, latency, shard.hedged,
                shard.attempts, response);
        settled++;
        if (status == ShardStatus.ANSWERED) {
            answered++;
            answerOrder.add(shard.outcome);
        }
        engine.metrics().shard(plan.pool(), status);
        listener.onPart(shard.outcome);
        checkCompletion();
        if (!finished && !starting && halfOfTheOtherShardsSettled()) {
            for (Shard due : shards) {
                if (due.hedgeDue) {
                    due.hedgeDue = false;
                    if (due.mayHedgeAgain()) {
                        hedge(due);
                    }
                }
            }
        }
    }

    private void cancelRequests(Shard shard) {
        if (shard.hedgeTimer != null) {
            shard.hedgeTimer.cancel();
            shard.hedgeTimer = null;
        }
        for (Attempt attempt : List.copyOf(shard.inflight)) {
            attempt.done = true;
            if (attempt.timeout != null) {
                attempt.timeout.cancel();
            }
            cancelRequest(attempt);
        }
        shard.inflight.clear();
    }

    private void cancelRequest(Attempt attempt) {
        cancelledRequests++;
        engine.metrics().cancelled(plan.pool());
        if (attempt.request != null) {
            attempt.request.cancel();
        }
    }

    private void checkCompletion() {
        if (starting || finished) {
            return;
        }
        if (settled < shards.size() && answered >= plan.completion().needed(shards.size())) {
            String reason = "stopped early: the completion policy " + plan.completion().policy().wireName() + " was met";
            starting = true;
            for (Shard shard : shards) {
                if (shard.outcome == null) {
                    settle(shard, ShardStatus.SKIPPED, reason, null);
                }
            }
            starting = false;
        }
        if (settled == shards.size()) {
            finish();
        }
    }

    private void finish() {
        finished = true;
        deadlineTimer.cancel();
        Duration elapsed = Duration.ofNanos(scheduler.nanoTime() - startNanos);
        boolean complete = answered == shards.size();
        boolean policyMet = answered >= plan.completion().needed(shards.size());
        List<ShardOutcome> outcomes = shards.stream().map(s -> s.outcome).toList();
        engine.metrics().scatter(plan.pool(), complete, elapsed);
        listener.onDone(new ScatterOutcome(plan.pool(), plan.scatterId(), complete, policyMet, elapsed, outcomes,
                List.copyOf(answerOrder), new ScatterStats(leafRequests, hedgedRequests, hedgesWon, cancelledRequests)));
    }
}
