package io.patternkit.sidecar.workqueue;

import io.patternkit.protocol.ItemState;
import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.common.ProblemException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work-queue operations as the HTTP layer sees them: asynchronous, with every JDBC call run
 * on Vert.x worker threads (unordered {@code executeBlocking}) and never on the event loop.
 *
 * <p>Long-polls (SQS {@code WaitTimeSeconds}) hold no thread: a claim that finds nothing is parked
 * in a per-queue waiter list with a Vert.x timer set to the earlier of its deadline and the
 * moment the next delayed or in-flight item becomes visible, and is retried on a wake-up. Local
 * writes (enqueue, nack, redrive) wake local waiters at once; the engine reports writes by other
 * processes through {@link QueueEngine#onExternalChange} (NOTIFY for PostgreSQL, a
 * {@code data_version} check every 100 ms for SQLite). A wake that arrives while a retry is in
 * flight is not lost: a wake counter read before each attempt makes an empty attempt retry.
 *
 * <p>A write wakes only as many parked claims as it may feed, in the order they parked (a local enqueue of n items:
 * claims until their {@code max} adds up to n; another local write, or another process's write to a queue the engine
 * names: one; another process's write the engine cannot place, as SQLite's {@code data_version}: one of each queue),
 * not the whole list: with C claims parked, each item would otherwise cost C claim queries, C - 1 of them empty (the
 * thundering herd; {@code bench/.../ParkedHerd}).
 * The others stay parked, and the woken claims hand on: a claim that ends with items, or that had parked and ends
 * without (its wait over, or ended by its client), wakes the next parked claim of its queue (after a failure, not at
 * once: within {@link #HAND_ON_AFTER_FAILURE}). So a burst
 * larger than the woken claims take reaches the others in turn, and whenever claims are parked on a queue, one of
 * them has looked since its last write and has its timer at the queue's next visibility (a condition variable's
 * {@code signal} rather than {@code signalAll}, with the signal passed on).
 *
 * <p>All waiter state is confined to one Vert.x context.
 */
public final class WorkQueueService {
    private static final Logger LOG = LoggerFactory.getLogger(WorkQueueService.class);
    /** How long an id ended before its claim arrived is remembered. */
    static final Duration ENDED_EARLY_MEMORY = Duration.ofMinutes(1);
    private static final int ENDED_EARLY_MAX = 10_000;
    /** A housekeeping round waits at least this many times its own length before the next. */
    static final int HOUSEKEEPING_DUTY = 20;
    /**
     * After a failed attempt of a claim that had parked, the longest parked claim of its queue looks again within this
     * long rather than at once: an engine outage would otherwise fail every parked claim of the queue in turn.
     */
    static final Duration HAND_ON_AFTER_FAILURE = Duration.ofSeconds(1);
    /**
     * How long an acked item outlives its dedup window before the purge deletes it, so that an ack retried after a lost
     * answer still succeeds even with {@code --dedup-window=0}: longer than the SDK's default retries of a call take
     * (a 10 s call timeout, three retries).
     */
    static final Duration ACK_RETRY_GRACE = Duration.ofMinutes(1);
    /** Claims under way (parked or in an attempt) by queue and claim id. Confined to the context. */
    private final Map<String, Waiter> namedClaims = new HashMap<>();
    /** Ids ended before their claim arrived, by queue and claim id, with when, oldest first. Confined to the context. */
    private final LinkedHashMap<String, Long> endedEarly = new LinkedHashMap<>();
    private final Vertx vertx;
    private final Context context;
    private final QueueEngine engine;
    private final WorkQueueMetrics metrics;
    private final ReceiptCodec receipts;
    private final Map<String, List<Waiter>> waiters = new HashMap<>();
    private long wakeCount;
    private boolean draining;
    private long purgeTimer = -1;
    private long housekeepingTimer = -1;
    private final PassFailures purgeFailures = new PassFailures("purging acked items past the dedup window");
    private final PassFailures housekeepingFailures = new PassFailures("housekeeping (dead-lettering lapsed last"
            + " attempts, depth gauges)");

    /**
     * Creates the service; call {@link #startPurging} to purge acked items periodically.
     *
     * @param vertx the Vert.x instance whose worker pool runs the engine calls
     * @param engine the engine, owned by the caller
     * @param metrics the operation counters
     * @param receipts writes and checks the receipts of deliveries
     */
    public WorkQueueService(Vertx vertx, QueueEngine engine, WorkQueueMetrics metrics, ReceiptCodec receipts) {
        this.vertx = vertx;
        this.receipts = receipts;
        this.context = vertx.getOrCreateContext();
        this.engine = engine;
        this.metrics = metrics;
        engine.onExternalChange(queue -> context.runOnContext(v -> {
            if (queue == null) { // the engine cannot tell which queue: every attempt under way, of any queue, looks
                wakeCount++;     // again if it finds nothing (counted once, before the hand-ons, whose attempts it must
                new ArrayList<>(waiters.keySet()).forEach(this::handOn); // not count), and one parked claim of each queue
            } else {
                wake(queue, 1);
            }
        }));
    }

    /**
     * Deletes acked items whose dedup window passed at least {@link #ACK_RETRY_GRACE} ago now, and then
     * {@code min(window / 2, 60 s)} (at least a second) after each pass has ended: a pass that outlasts the period (a
     * large backlog) is not joined by the next. A pass that fails is logged at WARN, once until one succeeds again.
     * Stops when the sidecar drains.
     *
     * @param dedupWindowMs how long acked items keep deduplicating, in milliseconds
     */
    public void startPurging(long dedupWindowMs) {
        long period = Math.max(1_000, Math.min(dedupWindowMs / 2, 60_000));
        context.runOnContext(v -> schedulePurge(dedupWindowMs, period, 1));
    }

    private void schedulePurge(long dedupWindowMs, long periodMs, long delayMs) {
        if (draining) {
            return;
        }
        purgeTimer = vertx.setTimer(delayMs, id -> blocking(() -> engine.purgeAcked(dedupWindowMs,
                ACK_RETRY_GRACE.toMillis())).onComplete(ar -> {
            purgeFailures.report(ar);
            schedulePurge(dedupWindowMs, periodMs, periodMs);
        }));
    }

    /**
     * For every queue this sidecar has served, now and then every {@code periodMs} on a worker
     * thread: dead-letters lapsed last attempts (claims skip them anyway, so this only makes the
     * move timely), makes delayed items whose delay has ended ready ({@link QueueEngine#promoteDue})
     * and refreshes the depth gauges. A round that takes longer than a twentieth of the
     * period stretches the wait before the next to {@value #HOUSEKEEPING_DUTY} times its own length, so
     * that housekeeping takes at most about 5% of a thread however large the queues grow (the statistics
     * of a million ready items take SQLite most of a second). Stops when the sidecar drains.
     *
     * @param periodMs milliseconds between rounds, at least 1
     */
    public void startHousekeeping(long periodMs) {
        context.runOnContext(v -> scheduleHousekeeping(periodMs, 1));
    }

    /**
     * @param periodMs the configured period, in milliseconds
     * @param lastRoundMs how long the last round took, in milliseconds
     * @return milliseconds to wait before the next round
     */
    static long housekeepingDelayMs(long periodMs, long lastRoundMs) {
        return Math.max(periodMs, lastRoundMs * HOUSEKEEPING_DUTY);
    }

    private void scheduleHousekeeping(long periodMs, long delayMs) {
        if (draining) {
            return;
        }
        housekeepingTimer = vertx.setTimer(delayMs, id -> {
            long start = System.nanoTime();
            blocking(() -> {
                for (String queue : metrics.knownQueues()) {
                    long deadLettered = engine.deadLetterExpired(queue);
                    engine.promoteDue(queue);
                    metrics.housekept(queue, deadLettered, engine.stats(queue));
                }
                return null;
            }).onComplete(ar -> {
                housekeepingFailures.report(ar);
                scheduleHousekeeping(periodMs,
                        housekeepingDelayMs(periodMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
            });
        });
    }

    /**
     * Enqueues items and wakes the queue's waiters.
     *
     * @param queue a valid queue name
     * @param items validated items
     * @return one result per item, in order; fails with {@link EngineException}
     */
    public Future<List<Enqueued>> enqueue(String queue, List<NewItem> items) {
        return blocking(() -> engine.enqueue(queue, items)).onSuccess(results -> {
            long added = results.stream().filter(r -> !r.duplicate()).count();
            metrics.of(queue).enqueued.increment(added);
            context.runOnContext(v -> wake(queue, added));
        });
    }

    /**
     * Claims up to {@code request.max()} items, as {@link #ackAndClaim} does, for a request that carries no acks.
     *
     * @param queue a valid queue name
     * @param request the validated claim
     * @param clientGone completes when nobody will read the answer any more
     * @return the claimed items, possibly none; fails with {@link EngineException}
     */
    public Future<List<ClaimedItem>> claim(String queue, ClaimRequest request, Future<Void> clientGone) {
        return ackAndClaim(queue, request, clientGone).map(AckedAndClaimed::items);
    }

    /**
     * Acknowledges the receipts the claim carries ({@code request.acks()}, each with its own outcome, as
     * {@link #ackBatch} does), then claims up to {@code request.max()} items, waiting up to {@code request.waitMs()}
     * for one to become visible. The acks and the first attempt of the claim are one task on a worker thread, so
     * carrying the acks costs no hand-off of its own. A claim arriving while the sidecar drains does not wait. When
     * {@code clientGone} completes first (the client closed the connection, as a consumer that stops claiming
     * does), a parked claim ends at once without claiming, and items that an attempt under way claims are given
     * back at once (nack with delay 0), so that none waits out its visibility timeout; the acks stand.
     *
     * @param queue a valid queue name
     * @param request the validated claim
     * @param clientGone completes when nobody will read the answer any more
     * @return each carried receipt's outcome (true when acked, false when stale, in order) and the claimed items,
     *     possibly none; fails with {@link EngineException}
     */
    public Future<AckedAndClaimed> ackAndClaim(String queue, ClaimRequest request, Future<Void> clientGone) {
        Promise<List<ClaimedItem>> promise = Promise.promise();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(request.waitMs());
        Waiter waiter = new Waiter(queue, request, deadline, promise);
        waiter.acks = request.acks().stream().map(this.receipts::decode).toList();
        context.runOnContext(v -> {
            if (request.claimId() != null) {
                String key = queue + '/' + request.claimId();
                if (endedEarly.remove(key) != null) {
                    waiter.ended = true;
                } else {
                    namedClaims.put(key, waiter);
                    promise.future().onComplete(ar -> namedClaims.remove(key, waiter));
                }
            }
            attempt(waiter);
        });
        clientGone.onComplete(ar -> context.runOnContext(v -> abandon(waiter)));
        return promise.future().map(items -> new AckedAndClaimed(waiter.ackOutcomes, items));
    }

    /**
     * Ends a named claim early: a parked one answers at once with nothing, one whose attempt is under
     * way answers with what that attempt claims, and an id not seen yet is remembered for
     * {@link #ENDED_EARLY_MEMORY} so that its claim, arriving late, does not wait. The items of a claim
     * are only ever handed over in its answer, so ending it loses nothing.
     *
     * @param queue a valid queue name
     * @param claimId the client's name for the claim
     * @return completes once recorded
     */
    public Future<Void> endClaim(String queue, String claimId) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            String key = queue + '/' + claimId;
            Waiter waiter = namedClaims.get(key);
            if (waiter == null) {
                rememberEndedEarly(key);
            } else {
                waiter.ended = true;
                unpark(waiter);
            }
            done.complete();
        });
        return done.future();
    }

    private void rememberEndedEarly(String key) {
        long now = System.nanoTime();
        endedEarly.put(key, now);
        var oldest = endedEarly.entrySet().iterator();
        while (oldest.hasNext()) {
            var e = oldest.next();
            if (now - e.getValue() <= ENDED_EARLY_MEMORY.toNanos() && endedEarly.size() <= ENDED_EARLY_MAX) {
                break;
            }
            oldest.remove();
        }
    }

    /** Answers a parked claim at once with nothing; a claim whose attempt is under way is left to it. */
    private void unpark(Waiter waiter) {
        if (takeOff(waiter)) {
            vertx.cancelTimer(waiter.timer);
            waiter.promise.tryComplete(List.of());
            handOn(waiter.queue);
        }
    }

    private void abandon(Waiter waiter) {
        waiter.abandoned = true;
        unpark(waiter);
    }

    private void giveBack(String queue, List<ClaimedItem> items) {
        blocking(() -> engine.giveBack(queue, items.stream().map(ClaimedItem::receipt).toList()))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        metrics.of(queue).givenBack.increment(ar.result());
                        context.runOnContext(v -> wake(queue, ar.result()));
                    } else {
                        LOG.warn("could not give back {} items of queue {} claimed for a client that went away: {}",
                                items.size(), queue, ar.cause().toString());
                        context.runOnContext(v -> handOn(queue)); // the claim that looked last has gone
                    }
                });
    }

    /**
     * Acknowledges one receipt.
     *
     * @param queue a valid queue name
     * @param receipt the wire receipt
     * @return completes when acked; fails with {@link ProblemException} {@code receipt-stale} or {@link EngineException}
     */
    public Future<Void> ack(String queue, String receipt) {
        return ackBatch(queue, List.of(receipt)).map(oks -> {
            if (!oks.get(0)) {
                throw stale();
            }
            return null;
        });
    }

    /**
     * @param item a delivery this sidecar made
     * @return its receipt, signed, in wire form
     */
    public String receipt(ClaimedItem item) {
        return receipts.encode(item.receipt());
    }

    /**
     * Acknowledges several receipts, each with its own outcome.
     *
     * @param queue a valid queue name
     * @param receipts wire receipts
     * @return per receipt, true when acked and false when stale, in order
     */
    public Future<List<Boolean>> ackBatch(String queue, List<String> receipts) {
        List<Optional<Receipt>> decoded = receipts.stream().map(this.receipts::decode).toList();
        return blocking(() -> ackNow(queue, decoded));
    }

    /** On a worker thread: acks the valid receipts; per receipt, true when acked, false when stale or undecodable. */
    private List<Boolean> ackNow(String queue, List<Optional<Receipt>> decoded) {
        List<Receipt> valid = decoded.stream().flatMap(Optional::stream).toList();
        Map<Receipt, AckOutcome> outcomes = new HashMap<>();
        if (!valid.isEmpty()) {
            List<AckOutcome> settled = engine.ackAll(queue, valid);
            for (int i = 0; i < valid.size(); i++) {
                outcomes.put(valid.get(i), settled.get(i)); // a receipt twice in one batch: one row, one outcome
            }
        }
        // Each item once: neither a retried ack nor a receipt repeated in the batch counts again.
        metrics.of(queue).acked.increment(outcomes.values().stream().filter(o -> o == AckOutcome.ACKED).count());
        return decoded.stream().map(r -> r.map(outcomes::get).map(AckOutcome::acked).orElse(false)).toList();
    }

    /**
     * Nacks one receipt and wakes the queue's waiters.
     *
     * @param queue a valid queue name
     * @param request the validated nack
     * @return where the item went; fails with {@link ProblemException} {@code receipt-stale} or {@link EngineException}
     */
    public Future<NackOutcome> nack(String queue, NackRequest request) {
        return nackBatch(queue, List.of(request)).map(outcomes -> outcomes.get(0).orElseThrow(WorkQueueService::stale));
    }

    /**
     * Nacks several receipts, each with its own outcome, and wakes the queue's waiters.
     *
     * @param queue a valid queue name
     * @param requests validated nacks
     * @return per request, where the item went or empty when the receipt was stale, in order
     */
    public Future<List<Optional<NackOutcome>>> nackBatch(String queue, List<NackRequest> requests) {
        return blocking(() -> {
            List<Optional<NackOutcome>> out = new ArrayList<>(requests.size());
            for (NackRequest request : requests) {
                Optional<NackOutcome> outcome = receipts.decode(request.receipt())
                        .flatMap(r -> engine.nack(queue, r, request.command()));
                outcome.ifPresent(o -> {
                    metrics.of(queue).nacked.increment();
                    if (o.state() == ItemState.DEAD) {
                        metrics.of(queue).deadLettered.increment();
                    }
                });
                out.add(outcome);
            }
            return out;
        }).onSuccess(outcomes -> context.runOnContext(v -> wake(queue, outcomes.stream().filter(Optional::isPresent).count())));
    }

    /**
     * Changes the visibility of one receipt.
     *
     * @param queue a valid queue name
     * @param request the validated extend
     * @return the new deadline in epoch milliseconds; fails with {@link ProblemException} {@code receipt-stale}
     */
    public Future<Long> extend(String queue, ExtendRequest request) {
        return extendBatch(queue, List.of(request)).map(outcomes -> {
            OptionalLong deadline = outcomes.get(0);
            if (deadline.isEmpty()) {
                throw stale();
            }
            return deadline.getAsLong();
        });
    }

    /**
     * Changes the visibility of several receipts, each with its own outcome.
     *
     * @param queue a valid queue name
     * @param requests validated extends
     * @return per request, the new deadline in epoch milliseconds or empty when stale, in order
     */
    public Future<List<OptionalLong>> extendBatch(String queue, List<ExtendRequest> requests) {
        return blocking(() -> {
            List<OptionalLong> out = new ArrayList<>(requests.size());
            for (ExtendRequest request : requests) {
                out.add(receipts.decode(request.receipt())
                        .map(r -> engine.extend(queue, r, request.visibilityMs())).orElse(OptionalLong.empty()));
            }
            return out;
        }).onSuccess(deadlines -> context.runOnContext(v -> wakeIfSooner(queue, requests, deadlines)));
    }

    /**
     * An extend may also shorten a visibility timeout: when a parked claim of the queue would sleep past the soonest
     * new one, one is woken to look again and set its timer (an engine's own change notices cover new ready items
     * only). A heartbeat that pushes visibility further out wakes nobody.
     */
    private void wakeIfSooner(String queue, List<ExtendRequest> requests, List<OptionalLong> deadlines) {
        List<Waiter> parked = waiters.get(queue);
        if (parked == null) {
            return;
        }
        long soonestMs = Long.MAX_VALUE;
        for (int i = 0; i < requests.size(); i++) {
            if (deadlines.get(i).isPresent()) {
                soonestMs = Math.min(soonestMs, requests.get(i).visibilityMs());
            }
        }
        if (soonestMs == Long.MAX_VALUE) {
            return;
        }
        long visibleAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(soonestMs);
        if (parked.stream().anyMatch(w -> w.dueNanos - visibleAt > 0)) {
            wake(queue, 1);
        }
    }

    /**
     * Reads the queue's statistics, dead-lettering lapsed last attempts first so they count as dead.
     *
     * @param queue a valid queue name
     * @return the statistics
     */
    public Future<QueueStats> stats(String queue) {
        return blocking(() -> {
            sweep(queue);
            return engine.stats(queue);
        });
    }

    /**
     * Lists dead letters, oldest first.
     *
     * @param queue a valid queue name
     * @param limit 1 to 1000
     * @return the dead letters
     */
    public Future<List<DeadLetter>> deadLetters(String queue, int limit) {
        return blocking(() -> {
            sweep(queue);
            return engine.deadLetters(queue, limit);
        });
    }

    /**
     * Moves dead items back to ready with attempts reset, and wakes the queue's waiters. Lapsed
     * last attempts are dead-lettered first, so they are moved back too.
     *
     * @param queue a valid queue name
     * @param request the validated redrive
     * @return how many items moved
     */
    public Future<Long> redrive(String queue, RedriveRequest request) {
        return blocking(() -> {
            sweep(queue);
            return engine.redrive(queue, request.ids(), request.max());
        })
                .onSuccess(moved -> context.runOnContext(v -> wake(queue, moved)));
    }

    /**
     * Checks that the engine answers.
     *
     * @return completes when it does; fails with {@link EngineException}
     */
    public Future<Void> ping() {
        return blocking(() -> {
            engine.ping();
            return null;
        });
    }

    /**
     * Stops parking claims: every waiting long-poll is answered at once with what it has (nothing),
     * and later claims do not wait. Also stops the purge and housekeeping timers.
     *
     * @return completes once the waiters are answered
     */
    public Future<Void> drain() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            draining = true;
            if (purgeTimer >= 0) {
                vertx.cancelTimer(purgeTimer);
            }
            if (housekeepingTimer >= 0) {
                vertx.cancelTimer(housekeepingTimer);
            }
            wakeAll();
            done.complete();
        });
        return done.future();
    }

    private void sweep(String queue) {
        metrics.of(queue).deadLettered.increment(engine.deadLetterExpired(queue));
    }

    private void attempt(Waiter waiter) {
        long seen = wakeCount;
        List<Optional<Receipt>> acks = waiter.acks;
        waiter.acks = List.of(); // carried by the first attempt only
        blocking(() -> {
            List<Boolean> ackOutcomes = acks.isEmpty() ? List.of() : ackNow(waiter.queue, acks);
            List<ClaimedItem> items = engine.claim(waiter.queue, waiter.request.max(), waiter.request.visibilityMs());
            OptionalLong next = items.isEmpty() ? engine.millisUntilNextVisible(waiter.queue) : OptionalLong.empty();
            return new Attempt(ackOutcomes, items, next);
        }).onComplete(ar -> {
            if (ar.failed()) {
                waiter.promise.fail(ar.cause());
                if (waiter.hasParked) {
                    handOnAfterFailure(waiter.queue);
                }
                return;
            }
            Attempt result = ar.result();
            if (!acks.isEmpty()) {
                waiter.ackOutcomes = result.acks;
            }
            if (waiter.abandoned) {
                waiter.promise.tryComplete(List.of());
                if (result.items.isEmpty()) {
                    handOn(waiter.queue);
                } else {
                    giveBack(waiter.queue, result.items); // wakes the queue once they are back
                }
                return;
            }
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(waiter.deadlineNanos - System.nanoTime());
            if (!result.items.isEmpty() || remainingMs <= 0 || draining || waiter.ended) {
                count(waiter.queue, result.items);
                waiter.promise.complete(result.items);
                if (!result.items.isEmpty() || waiter.hasParked) {
                    handOn(waiter.queue);
                }
            } else if (wakeCount != seen) {
                attempt(waiter);
            } else {
                park(waiter, Math.min(remainingMs, result.nextVisibleMs.orElse(Long.MAX_VALUE)));
            }
        });
    }

    private void count(String queue, List<ClaimedItem> items) {
        WorkQueueMetrics.QueueMeters meters = metrics.of(queue);
        meters.claimed.increment(items.size());
        meters.redelivered.increment(items.stream().filter(i -> i.attempt() > 1).count());
    }

    private void park(Waiter waiter, long delayMs) {
        waiters.computeIfAbsent(waiter.queue, q -> new ArrayList<>()).add(waiter);
        waiter.hasParked = true;
        engine.waiting(true);
        arm(waiter, delayMs);
    }

    /** Sets the parked claim's timer, which takes it off its list and makes it look again. */
    private void arm(Waiter waiter, long delayMs) {
        waiter.dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, delayMs));
        waiter.timer = vertx.setTimer(Math.max(1, delayMs), id -> {
            if (takeOff(waiter)) {
                attempt(waiter);
            }
        });
    }

    /** Takes the claim off its queue's parked list, and the list off the map once empty; false when it was not on it. */
    private boolean takeOff(Waiter waiter) {
        List<Waiter> list = waiters.get(waiter.queue);
        if (list == null || !list.remove(waiter)) {
            return false;
        }
        if (list.isEmpty()) {
            waiters.remove(waiter.queue);
            engine.waiting(!waiters.isEmpty());
        }
        return true;
    }

    /** The longest parked claim of the queue, or null when none is parked. */
    private Waiter firstParked(String queue) {
        List<Waiter> list = waiters.get(queue);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    /**
     * A write that may have made up to {@code items} items of the queue claimable: attempts under way look again if
     * they find nothing, and parked claims are woken in the order they parked until their {@code max} adds up to
     * {@code items} (at least one is woken); see the class comment for how the rest are reached.
     */
    private void wake(String queue, long items) {
        wakeCount++;
        long covered = 0;
        do {
            Waiter waiter = unparkFirst(queue);
            if (waiter == null) {
                return;
            }
            covered += waiter.request.max();
            attempt(waiter);
        } while (covered < items);
    }

    /** One parked claim of the queue, the longest parked, looks again; nothing if none is parked. */
    private void handOn(String queue) {
        Waiter waiter = unparkFirst(queue);
        if (waiter != null) {
            attempt(waiter);
        }
    }

    /** The longest parked claim of the queue looks again within {@link #HAND_ON_AFTER_FAILURE}, or at its timer if sooner. */
    private void handOnAfterFailure(String queue) {
        Waiter next = firstParked(queue);
        if (next == null) {
            return;
        }
        long delayMs = HAND_ON_AFTER_FAILURE.toMillis();
        if (next.dueNanos - (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs)) > 0) {
            vertx.cancelTimer(next.timer);
            arm(next, delayMs);
        }
    }

    /** Takes the longest parked claim of the queue off its list and cancels its timer; null when none is parked. */
    private Waiter unparkFirst(String queue) {
        Waiter waiter = firstParked(queue);
        if (waiter != null) {
            takeOff(waiter);
            vertx.cancelTimer(waiter.timer);
        }
        return waiter;
    }

    /** Every parked claim of every queue looks again (the drain, which answers them). */
    private void wakeAll() {
        wakeCount++;
        List<Waiter> woken = new ArrayList<>();
        waiters.values().forEach(woken::addAll);
        waiters.clear();
        engine.waiting(false);
        for (Waiter waiter : woken) {
            vertx.cancelTimer(waiter.timer);
            attempt(waiter);
        }
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return context.executeBlocking(work, false);
    }

    private static ProblemException stale() {
        return new ProblemException(ProblemType.RECEIPT_STALE,
                "the receipt is not the item's latest: it was acked, nacked, redelivered or never issued");
    }

    /**
     * Logs the failures of a periodic pass: at WARN the first after a success (a pass that keeps failing, an engine
     * down or a full disk, would otherwise say so every period), at DEBUG the rest, at INFO the recovery. Confined to
     * the service's context.
     */
    private static final class PassFailures {
        private final String pass;
        private long failedInARow;

        PassFailures(String pass) {
            this.pass = pass;
        }

        void report(AsyncResult<?> outcome) {
            if (outcome.succeeded()) {
                if (failedInARow > 0) {
                    LOG.info("{}: succeeded again after {} failed passes", pass, failedInARow);
                }
                failedInARow = 0;
            } else if (failedInARow++ == 0) {
                LOG.warn("{} failed, and is tried again each period: {}", pass, outcome.cause().toString());
            } else {
                LOG.debug("{} failed again ({} in a row): {}", pass, failedInARow, outcome.cause().toString());
            }
        }
    }

    /** A parked claim. Confined to the service's context. */
    private static final class Waiter {
        final String queue;
        final ClaimRequest request;
        final long deadlineNanos;
        final Promise<List<ClaimedItem>> promise;
        long timer = -1;
        /** When its timer fires, on {@link System#nanoTime()}'s scale; set when it parks. */
        long dueNanos;
        boolean abandoned;
        /** Whether it has parked at least once: it may be the claim whose timer knows the queue's next visibility. */
        boolean hasParked;
        /** Ended early by its client: answers with what its attempt under way claims, and never parks. */
        boolean ended;
        /** The receipts the claim carries, decoded; acked by the first attempt, then none. */
        List<Optional<Receipt>> acks = List.of();
        /** The carried receipts' outcomes, in order, once the first attempt has acked them. */
        List<Boolean> ackOutcomes = List.of();

        Waiter(String queue, ClaimRequest request, long deadlineNanos, Promise<List<ClaimedItem>> promise) {
            this.queue = queue;
            this.request = request;
            this.deadlineNanos = deadlineNanos;
            this.promise = promise;
        }
    }

    /** What one claim attempt found. */
    private record Attempt(List<Boolean> acks, List<ClaimedItem> items, OptionalLong nextVisibleMs) {
    }
}
