package io.patternkit.workqueue.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.patternkit.core.internal.DaemonThreads;
import io.patternkit.core.internal.JvmErrors;
import io.patternkit.core.internal.OwnedMeters;
import io.patternkit.core.internal.SummedGauge;
import io.patternkit.core.internal.Waits;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.workqueue.AckedAndClaimed;
import io.patternkit.workqueue.BatchOutcome;
import io.patternkit.workqueue.ConsumerStats;
import io.patternkit.workqueue.DrainResult;
import io.patternkit.workqueue.Nack;
import io.patternkit.workqueue.NackOutcome;
import io.patternkit.workqueue.PoisonItemException;
import io.patternkit.workqueue.ReceiptStaleException;
import io.patternkit.workqueue.WorkHandler;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The machinery behind {@code WorkQueueConsumer}; see its Javadoc for threads and ordering. Internal. */
public final class ConsumerEngine {
    /** How long a drain waits for the poller's long-poll to be ended and answered, even with no grace. */
    private static final Duration POLLER_HANDOVER = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(ConsumerEngine.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final String DRAIN_REASON = "consumer drained before the handler finished";
    private static final String STALE_TYPE = ProblemType.RECEIPT_STALE.uri();
    /** How often an idle acker looks whether the consumer is draining, and the poller whether it may claim. */
    private static final Duration ACK_POLL = Duration.ofMillis(100);
    /** Longest wait, during a drain, for the acks of handled items to be sent. */
    private static final Duration ACK_FLUSH_TIMEOUT = Duration.ofSeconds(30);

    private final WorkQueue queue;
    private final WorkHandler handler;
    private final ConsumerSettings settings;
    private final Semaphore slots;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final ScheduledExecutorService extender;
    private final Thread poller;
    private final Thread acker;
    private final BlockingDeque<Completed> completed = new LinkedBlockingDeque<>();
    /** Notified whenever a slot is freed or an item is handled, for the poller waiting to claim. */
    private final Object progress = new Object();
    private volatile boolean ackerStopping;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile DrainResult drained;
    private final AtomicInteger completedDuringDrain = new AtomicInteger();

    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong redeliveries = new AtomicLong();
    private final AtomicLong extensions = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final Meters meters;

    /**
     * @param queue the queue
     * @param handler the work
     * @param settings validated settings
     */
    public ConsumerEngine(WorkQueue queue, WorkHandler handler, ConsumerSettings settings) {
        this.queue = queue;
        this.handler = handler;
        this.settings = settings;
        this.slots = new Semaphore(capacity(settings));
        String prefix = "patternkit-wq-" + queue.name();
        this.workers = Executors.newFixedThreadPool(settings.concurrency(), DaemonThreads.numbered(prefix + "-worker-"));
        this.extender = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered(prefix + "-extender-"));
        this.poller = DaemonThreads.numbered(prefix + "-poller-").newThread(this::pollLoop);
        this.acker = DaemonThreads.numbered(prefix + "-acker-").newThread(this::ackLoop);
        this.meters = new Meters(settings.registry(), queue.name(), inFlight);
    }

    /** Starts the threads. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("consumer of queue " + queue.name() + " was already started");
        }
        long period = Math.max(1, settings.visibilityTimeout().toMillis() / 3);
        extender.scheduleAtFixedRate(this::extendInFlight, period, period, TimeUnit.MILLISECONDS);
        poller.start();
        acker.start();
        log.info("consuming queue {} with concurrency {}, batch {}, visibility {}", queue.name(),
                settings.concurrency(), settings.batchSize(), settings.visibilityTimeout());
    }

    /** @return true once started, also after a drain */
    public boolean isStarted() {
        return started.get();
    }

    /** @return true while started and not draining */
    public boolean isRunning() {
        return started.get() && !stopping;
    }

    /** @return the drain's result once it has ended */
    public Optional<DrainResult> drainResult() {
        return Optional.ofNullable(drained);
    }

    /** @return the counts */
    public ConsumerStats stats() {
        return new ConsumerStats(processed.get(), failed.get(), deadLettered.get(), redeliveries.get(),
                extensions.get(), stale.get(), inFlight.size());
    }

    /**
     * @param grace how long to wait for running handlers
     * @return the outcome, the same on later calls
     */
    public synchronized DrainResult drain(Duration grace) {
        if (drained != null) {
            return drained;
        }
        stopClaiming();
        if (!started.get()) {
            shutdown();
            drained = new DrainResult(0, 0, 0);
            return drained;
        }
        log.info("draining queue {} consumer: {} in flight, grace {}", queue.name(), inFlight.size(), grace);
        long started = System.nanoTime();
        List<String> unfinished;
        int completed;
        int released;
        // A drain on an interrupted thread (a close() in a finally after an InterruptedException, a drain step
        // cancelled): the flag would cut every wait short and fail the release's call (OkHttp refuses I/O on an
        // interrupted thread), stranding the items until their visibility timeout. It is cleared for the drain and set
        // again after it; an interrupt during a wait still cuts that wait short.
        boolean interrupted = Thread.interrupted();
        try {
            workers.shutdown();
            try {
                workers.awaitTermination(Waits.nanos(grace), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // First the poller: a claim under way may carry acks, which go back to the acker if it fails.
            awaitPoller(started, grace);
            stopAcker();
            unfinished = inFlight.values().stream().filter(InFlight::claimSettlement).map(f -> f.item.receipt())
                    .toList();
            completed = completedDuringDrain.get();
            interrupted |= Thread.interrupted();
            released = release(unfinished);
        } finally {
            shutdown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        drained = new DrainResult(completed, released, unfinished.size() - released);
        log.info("drained queue {} consumer: {} completed, {} released, {} stranded", queue.name(),
                drained.completed(), drained.released(), drained.stranded());
        return drained;
    }

    /**
     * Waits for the poller to hand back what a claim under way returns, until the grace has passed since the drain
     * began, but at least {@link #POLLER_HANDOVER} after it whatever the grace (a long-poll is ended by one quick call to
     * the sidecar, whose answer carries the items it claimed meanwhile; not waiting for it would leave them to their
     * visibility timeout), and at most the poll wait and a second after it. The handlers' wait and this one share
     * that time rather than add up.
     */
    private void awaitPoller(long drainStartedNanos, Duration grace) {
        long waitMs = Math.min(Math.max(POLLER_HANDOVER.toMillis(), TimeUnit.NANOSECONDS.toMillis(Waits.nanos(grace))),
                settings.pollWait().toMillis() + 1_000);
        long leftMs = waitMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStartedNanos);
        try {
            poller.join(Math.max(1, leftMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (poller.isAlive()) {
            log.warn("the poller of queue {} did not stop within the grace; what its claim returns later waits out "
                    + "its visibility timeout", queue.name());
        }
    }

    /**
     * Stops claiming: no new claim is made, and a long-poll under way is cancelled (the sidecar gives
     * back what it claims for a client that went away). Handlers keep running. Idempotent.
     */
    public synchronized void stopClaiming() {
        if (stopping) {
            return;
        }
        stopping = true;
        stopSignal.countDown();
        slots.release(capacity(settings));
        progressed();
        if (started.get()) {
            poller.interrupt();
            log.info("queue {} consumer stopped claiming; {} items in hand", queue.name(), inFlight.size());
        }
    }

    private void shutdown() {
        workers.shutdownNow();
        extender.shutdownNow();
        meters.close();
    }

    private void pollLoop() {
        int failures = 0;
        while (!stopping) {
            List<Completed> riding = new ArrayList<>();
            int acquired;
            try {
                acquired = awaitClaimable(riding);
            } catch (InterruptedException e) {
                return;
            }
            int max = Math.min(riding.size(), settings.batchSize()) + acquired;
            if (stopping || max < refillThreshold(settings)) { // the acker took handled items meanwhile: wait again
                giveBack(riding, acquired);
                continue;
            }
            AckedAndClaimed answer;
            try {
                answer = riding.isEmpty()
                        ? new AckedAndClaimed(List.of(), queue.claim(max, settings.visibilityTimeout(), settings.pollWait()))
                        : queue.ackAndClaim(receipts(riding), max, settings.visibilityTimeout(), settings.pollWait());
            } catch (RuntimeException e) {
                giveBack(riding, acquired);
                if (stopping) {
                    return; // the claim was cancelled by stopClaiming()
                }
                failures++;
                if (failures == 1) {
                    log.warn("cannot claim from queue {}: {}; backing off and retrying until it works "
                            + "(logged once per outage)", queue.name(), e.getMessage());
                } else {
                    log.debug("claim from queue {} failed again ({} in a row): {}", queue.name(), failures,
                            e.getMessage());
                }
                backOff(failures);
                continue;
            }
            Thread.interrupted(); // a stopClaiming() that came after the answer; its items are held for drain()
            if (failures > 0) {
                log.info("claiming from queue {} works again after {} failed attempts", queue.name(), failures);
                failures = 0;
            }
            settleAcks(riding, answer.acks());
            // The carried items' slots pass to the claimed items; what the claim did not fill is free again.
            slots.release(riding.size() + acquired - answer.items().size());
            progressed();
            answer.items().forEach(this::dispatch);
        }
    }

    /**
     * Waits until the free slots and the handled items awaiting their ack make up a claim's worth (the
     * {@link #refillThreshold}), then takes those handled items into {@code riding}, so that their acks go with the
     * claim and their slots pass to it, and acquires free slots up to a batch.
     *
     * @return how many free slots were acquired
     */
    private int awaitClaimable(List<Completed> riding) throws InterruptedException {
        int refill = refillThreshold(settings);
        synchronized (progress) {
            while (!stopping && slots.availablePermits() + completed.size() < refill) {
                progress.wait(ACK_POLL.toMillis());
            }
        }
        if (stopping) {
            return 0;
        }
        completed.drainTo(riding, Wire.MAX_BATCH);
        int acquired = 0;
        while (Math.min(riding.size(), settings.batchSize()) + acquired < settings.batchSize() && slots.tryAcquire()) {
            acquired++;
        }
        return acquired;
    }

    /** Hands carried items back to the acker and frees the acquired slots, when no claim is made or it failed. */
    private void giveBack(List<Completed> riding, int acquired) {
        riding.forEach(completed::addFirst);
        slots.release(acquired);
        progressed();
    }

    private void progressed() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private void backOff(int failures) {
        long ms = Math.min(MAX_BACKOFF.toMillis(), 100L << Math.min(failures - 1, 10));
        try {
            stopSignal.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch(WorkItem item) {
        if (item.isRedelivery()) {
            redeliveries.incrementAndGet();
        }
        InFlight f = new InFlight(item);
        inFlight.put(item.receipt(), f);
        if (stopping) {
            return; // claimed after claiming stopped: held for drain() to release, from its own thread
        }
        try {
            workers.execute(() -> run(f));
        } catch (RejectedExecutionException e) {
            // the workers were shut down by drain(), which releases whatever is still in flight
        }
    }

    /** Items held at once: running ones plus, when batches are larger than the concurrency, buffered ones. */
    private static int capacity(ConsumerSettings settings) {
        return Math.max(settings.concurrency(), settings.batchSize());
    }

    /**
     * How many slots must be free before the poller claims again: 1 when nothing is prefetched, otherwise half
     * of the prefetch buffer, so that a prefetching consumer claims in batches of about half its buffer rather
     * than one claim per finished item, while the items still held keep every handler busy during the claim.
     * A handler can only idle once more than {@code capacity - concurrency} slots are free, which is never
     * below this threshold.
     */
    static int refillThreshold(ConsumerSettings settings) {
        return Math.max(1, (capacity(settings) - settings.concurrency() + 1) / 2);
    }

    private void run(InFlight f) {
        if (stopping) {
            return; // buffered when the drain began: stays in flight for drain() to release at once
        }
        WorkItem item = f.item;
        long start = System.nanoTime();
        boolean awaitingAck = false;
        VirtualMachineError fatal = null;
        try {
            Exception failure = null;
            try {
                handler.handle(item);
            } catch (Exception e) {
                failure = e;
            } catch (Error e) {
                // An assertion or a class that would not load fails the item like an exception (nacked, counted);
                // the JVM's own errors are thrown on once the item is settled.
                failure = new ExecutionException("the handler threw " + e, e);
                fatal = e instanceof VirtualMachineError vm ? vm : null;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            meters.handled(failure, took);
            if (f.claimSettlement()) {
                if (stopping) {
                    completedDuringDrain.incrementAndGet();
                }
                if (failure == null) {
                    processed.incrementAndGet();
                    meters.processed.increment();
                    awaitingAck = completed.add(new Completed(item, took, System.nanoTime()));
                    progressed();
                } else {
                    settleFailure(item, failure);
                }
            }
        } finally {
            if (!awaitingAck) { // otherwise the item is held, slot and all, until its ack returns or rides a claim
                inFlight.remove(item.receipt());
                slots.release();
                progressed();
            }
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    /**
     * Acks the handled items the poller has not carried on a claim within the ack linger (it is parked in a
     * long-poll, or the consumer stopped claiming), in batches: whatever completed while the previous ack call was
     * under way goes in the next call. Items stay in flight until their ack returns.
     */
    private void ackLoop() {
        List<Completed> batch = new ArrayList<>();
        while (true) {
            Completed first;
            try {
                first = awaitHandled();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                return;
            }
            long lingerLeft = first.doneNanos + settings.ackLinger().toNanos() - System.nanoTime();
            if (lingerLeft > 0 && !stopping) { // once claiming stopped, no claim will carry it
                LockSupport.parkNanos(lingerLeft); // the poller may carry it on its next claim meanwhile
                continue;
            }
            completed.drainTo(batch, Wire.MAX_BATCH);
            if (!batch.isEmpty()) {
                ack(batch);
                batch.clear();
            }
        }
    }

    /** Waits for a handled item awaiting its ack and returns it, left in place; null once the acker is stopping and none is left. */
    private Completed awaitHandled() throws InterruptedException {
        synchronized (progress) {
            Completed first;
            while ((first = completed.peekFirst()) == null) {
                if (ackerStopping) {
                    return null;
                }
                progress.wait(ACK_POLL.toMillis());
            }
            return first;
        }
    }

    private void ack(List<Completed> batch) {
        try {
            settleAcks(batch, queue.ackAll(receipts(batch)));
        } catch (RuntimeException e) {
            log.warn("could not ack {} items of queue {}: {}; they will be redelivered after their visibility timeout",
                    batch.size(), queue.name(), e.getMessage());
            batch.forEach(c -> inFlight.remove(c.item.receipt()));
        } finally {
            slots.release(batch.size());
            progressed();
        }
    }

    /** Settles handled items by their ack outcomes (in the same order); they leave the in-flight map. */
    private void settleAcks(List<Completed> batch, List<BatchOutcome> outcomes) {
        for (int i = 0; i < batch.size(); i++) {
            Completed c = batch.get(i);
            BatchOutcome outcome = outcomes.get(i);
            if (outcome.ok()) {
                notify(() -> settings.listener().onProcessed(c.item, c.took));
            } else if (outcome.problemType().filter(STALE_TYPE::equals).isPresent()) {
                staleReceipt(c.item);
            } else {
                log.warn("could not ack item {} of queue {}: {}; it will be redelivered after its visibility "
                        + "timeout", c.item.id(), queue.name(), outcome.problemDetail().orElse("unknown problem"));
            }
            inFlight.remove(c.item.receipt());
        }
    }

    private static List<String> receipts(List<Completed> batch) {
        return batch.stream().map(c -> c.item.receipt()).toList();
    }

    private void stopAcker() {
        ackerStopping = true;
        progressed();
        try {
            acker.join(ACK_FLUSH_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void staleReceipt(WorkItem item) {
        stale.incrementAndGet();
        meters.stale.increment();
        log.info("item {} of queue {} was redelivered before it was settled (stale receipt); it may be "
                + "handled again", item.id(), queue.name());
        notify(() -> settings.listener().onStaleReceipt(item));
    }

    private void settleFailure(WorkItem item, Exception failure) {
        try {
            if (failure instanceof PoisonItemException poison) {
                String reason = "poison: " + poison.reason();
                queue.nack(item.receipt(), Nack.deadLetter(reason));
                deadLettered(item, reason);
            } else {
                failed.incrementAndGet();
                meters.failed.increment();
                String reason = failure.getClass().getName() + ": " + failure.getMessage();
                NackOutcome outcome = queue.nack(item.receipt(), Nack.withBackoff().reason(reason));
                notify(() -> settings.listener().onFailed(item, failure));
                if (outcome.state() == NackOutcome.State.DEAD) {
                    deadLettered(item, reason);
                }
            }
        } catch (ReceiptStaleException e) {
            staleReceipt(item);
        } catch (RuntimeException e) {
            log.warn("could not settle item {} of queue {}: {}; it will be redelivered after its visibility timeout",
                    item.id(), queue.name(), e.getMessage());
        }
    }

    private void deadLettered(WorkItem item, String reason) {
        deadLettered.incrementAndGet();
        meters.deadLettered.increment();
        notify(() -> settings.listener().onDeadLettered(item, reason));
    }

    private void extendInFlight() {
        List<String> receipts = inFlight.values().stream().filter(f -> !f.settled.get())
                .map(f -> f.item.receipt()).toList();
        if (receipts.isEmpty()) {
            return;
        }
        try {
            for (BatchOutcome o : queue.extendAll(receipts, settings.visibilityTimeout())) {
                if (o.ok()) {
                    extensions.incrementAndGet();
                    meters.extensions.increment();
                } else {
                    log.warn("could not extend the visibility of receipt {} on queue {}: {}; the item may be "
                            + "redelivered", o.receipt(), queue.name(), o.problemType().orElse("unknown problem"));
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not extend the visibility of {} items on queue {}: {}", receipts.size(), queue.name(),
                    e.getMessage());
        }
    }

    private int release(List<String> receipts) {
        if (receipts.isEmpty()) {
            return 0;
        }
        try {
            return (int) queue.nackAll(receipts, Nack.retryAfter(Duration.ZERO).reason(DRAIN_REASON)).stream()
                    .filter(BatchOutcome::ok).count();
        } catch (RuntimeException e) {
            log.warn("could not release {} items of queue {}: {}; they return after their visibility timeout",
                    receipts.size(), queue.name(), e.getMessage());
            return 0;
        }
    }

    /**
     * Runs a listener callback (on the poller, the acker or a worker): whatever it throws is logged and the thread goes
     * on, an assertion or a class that would not load included; the JVM's own errors but a stack overflow are thrown on.
     */
    private static void notify(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException | Error e) {
            JvmErrors.rethrowIfFatal(e);
            log.warn("consumer listener failed: {}", e.toString());
        }
    }

    /** A handled item waiting for its ack, with how long its handler took and when it finished ({@link System#nanoTime()}). */
    private record Completed(WorkItem item, Duration took, long doneNanos) {
    }

    /** One item being handled; whoever wins {@link #claimSettlement()} (the handler or a drain) settles it. */
    private static final class InFlight {
        final WorkItem item;
        final AtomicBoolean settled = new AtomicBoolean();

        InFlight(WorkItem item) {
            this.item = item;
        }

        boolean claimSettlement() {
            return settled.compareAndSet(false, true);
        }
    }

    /** The consumer's Micrometer meters, which leave the registry when the last consumer of the queue there closes. */
    private static final class Meters {
        final Counter processed;
        final Counter failed;
        final Counter deadLettered;
        final Counter extensions;
        final Counter stale;
        private final Map<String, Timer> handler = new HashMap<>();
        private final OwnedMeters owned;
        private final String queue;
        /** This consumer's items in hand, in the gauge every consumer of the queue in the registry adds to. */
        private final SummedGauge.Part inFlightPart;

        Meters(MeterRegistry registry, String queue, Map<String, InFlight> inFlight) {
            this.owned = new OwnedMeters(registry);
            this.queue = queue;
            this.processed = counter(WorkQueueMetrics.PROCESSED);
            this.failed = counter(WorkQueueMetrics.FAILED);
            this.deadLettered = counter(WorkQueueMetrics.DEAD_LETTERED);
            this.extensions = counter(WorkQueueMetrics.EXTENSIONS);
            this.stale = counter(WorkQueueMetrics.STALE_RECEIPTS);
            for (String outcome : List.of("success", "poison", "failure")) {
                handler.put(outcome, owned.register(Timer.builder(WorkQueueMetrics.HANDLER)
                        .tag(WorkQueueMetrics.TAG_QUEUE, queue).tag(WorkQueueMetrics.TAG_OUTCOME, outcome)::register));
            }
            this.inFlightPart = SummedGauge.add(registry, WorkQueueMetrics.IN_FLIGHT, Tags.of(WorkQueueMetrics.TAG_QUEUE, queue),
                    "Items claimed and not yet settled", inFlight::size);
        }

        /** Stops counting this consumer's items in the in-flight gauge, and releases its meters. */
        void close() {
            inFlightPart.close();
            owned.close();
        }

        void handled(Exception failure, Duration took) {
            handler.get(failure == null ? "success" : failure instanceof PoisonItemException ? "poison" : "failure")
                    .record(took);
        }

        private Counter counter(String name) {
            return owned.register(Counter.builder(name).tag(WorkQueueMetrics.TAG_QUEUE, queue)::register);
        }
    }
}
