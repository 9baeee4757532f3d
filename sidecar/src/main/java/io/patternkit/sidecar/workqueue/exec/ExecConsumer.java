package io.patternkit.sidecar.workqueue.exec;

import io.patternkit.sidecar.common.DaemonThreads;

import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.workqueue.ClaimRequest;
import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.common.EngineException;
import io.patternkit.sidecar.workqueue.ExtendRequest;
import io.patternkit.protocol.ItemState;
import io.patternkit.sidecar.workqueue.NackOutcome;
import io.patternkit.sidecar.workqueue.NackRequest;
import io.patternkit.sidecar.common.ProblemException;
import io.patternkit.sidecar.workqueue.WorkQueueService;
import io.patternkit.sidecar.workqueue.exec.Verdict.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's own consumer of one queue: claims items through the in-process
 * {@link WorkQueueService} (long-polls, no HTTP, no busy polling), runs the command of each item
 * with {@link CommandRunner}, extends the claim at a third of the visibility timeout while it runs,
 * and settles the item by the {@link Verdict} of its exit status.
 *
 * <p>At most {@link ExecSettings#concurrency()} commands run at once: one dispatcher thread
 * claims as many items as there are free slots, in one batch. {@link #drain} stops claiming,
 * waits for running commands up to a deadline, then kills the rest and releases their items with
 * delay 0, so that another worker takes them at once.
 *
 * <p>Item payloads and command output are logged at DEBUG only. Start once, drain once.
 */
public final class ExecConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecConsumer.class);
    /** Longest wait for the engine to answer a claim, ack, nack or extend. */
    private static final long ENGINE_WAIT_MS = Wire.MAX_WAIT_MS + 10_000;
    /** Pause after a failed claim (the engine is unreachable) before claiming again. */
    private static final long CLAIM_RETRY_MS = 1_000;
    /** Beyond the kill grace: how long killed commands get to be reaped and their items released. */
    private static final long RELEASE_WAIT_MS = 15_000;

    private final WorkQueueService service;
    private final ExecSettings settings;
    private final ExecMetrics metrics;
    private final CommandRunner runner;
    private final Semaphore slots;
    private final ExecutorService workers;
    private final ScheduledExecutorService extender;
    private final Thread dispatcher;
    private final AtomicBoolean drained = new AtomicBoolean();
    /** Completes when the drain begins: a claim under way then gives back what it claims. */
    private final Promise<Void> stopped = Promise.promise();
    private volatile boolean stopping;

    /**
     * Creates the consumer; {@link #start()} starts it.
     *
     * @param service the sidecar's queue operations
     * @param settings the queue, command and limits
     * @param metrics where outcomes and durations are counted
     * @param runner runs one command
     */
    public ExecConsumer(WorkQueueService service, ExecSettings settings, ExecMetrics metrics, CommandRunner runner) {
        this.service = service;
        this.settings = settings;
        this.metrics = metrics;
        this.runner = runner;
        this.slots = new Semaphore(settings.concurrency());
        this.workers = Executors.newFixedThreadPool(settings.concurrency(), DaemonThreads.numbered("patternkit-exec-"));
        this.extender = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("patternkit-exec-extend-"));
        this.dispatcher = DaemonThreads.numbered("patternkit-exec-claim-").newThread(this::dispatch);
    }

    /** Starts claiming. */
    public void start() {
        dispatcher.start();
    }

    /**
     * Drains: stops claiming (answering the parked long-polls of the whole service, see
     * {@link WorkQueueService#drain()}), waits up to {@code timeout} for running commands, then
     * kills those still running (SIGTERM, SIGKILL after the kill grace) and nacks their items
     * with delay 0. Blocks until done; later calls return at once.
     *
     * @param timeout the longest wait for running commands
     */
    public void drain(Duration timeout) {
        if (!drained.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        stopping = true;
        stopped.tryComplete();
        service.drain();
        dispatcher.interrupt();
        try {
            dispatcher.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            workers.shutdown();
            if (!workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                int running = settings.concurrency() - slots.availablePermits();
                LOG.info("{} command(s) of queue {} still running after {}: killing them and releasing their items",
                        running, settings.queue(), Verdict.format(timeout));
                releaseUnstarted(workers.shutdownNow());
                workers.awaitTermination(settings.killGrace().toMillis() + RELEASE_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            releaseUnstarted(workers.shutdownNow());
            Thread.currentThread().interrupt();
        } finally {
            extender.shutdownNow();
        }
    }

    /** Drains without waiting for running commands: they are killed and their items released. */
    @Override
    public void close() {
        drain(Duration.ZERO);
    }

    private void dispatch() {
        while (!stopping) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            if (stopping) {
                slots.release();
                return;
            }
            int free = 1 + slots.drainPermits();
            List<ClaimedItem> items;
            try {
                items = await(service.claim(settings.queue(),
                        new ClaimRequest(free, settings.visibility().toMillis(), Wire.MAX_WAIT_MS), stopped.future()));
            } catch (RuntimeException e) {
                slots.release(free);
                LOG.warn("claiming from queue {} failed, trying again in {} ms: {}", settings.queue(), CLAIM_RETRY_MS, e.getMessage());
                if (!pause()) {
                    return;
                }
                continue;
            }
            slots.release(free - items.size());
            items.forEach(this::submit);
        }
    }

    private void submit(ClaimedItem item) {
        ItemTask task = new ItemTask(item);
        if (stopping) {
            task.release();
            return;
        }
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            task.release();    // the drain shut the workers down meanwhile
        }
    }

    private void releaseUnstarted(List<Runnable> tasks) {
        tasks.stream().filter(ItemTask.class::isInstance).map(ItemTask.class::cast).forEach(ItemTask::release);
    }

    private void process(ClaimedItem item) {
        String label = "item " + item.id();
        AtomicBoolean running = new AtomicBoolean(true);
        long every = Math.max(1, settings.extendEvery().toMillis());
        ScheduledFuture<?> extending = extender.scheduleAtFixedRate(() -> extend(item, label, running), every, every,
                TimeUnit.MILLISECONDS);
        CommandResult result;
        try (ItemCommand command = ItemCommand.prepare(settings.command(), item)) {
            LOG.debug("{}: attempt {} of {}", label, item.attempt(), item.maxAttempts());
            result = runner.run(command.processBuilder(), settings.timeout(), label);
        } catch (IOException e) {
            result = new CommandResult(CommandResult.Ending.FAILED_TO_START, -1,
                    "cannot write the payload file: " + e.getMessage(), Duration.ZERO);
        } finally {
            running.set(false);
            extending.cancel(false);
        }
        Verdict verdict = Verdict.of(result, settings.timeout());
        Outcome outcome = settle(item, verdict).orElse(verdict.outcome());
        log(label, item, result, verdict, outcome);
        metrics.record(outcome, result.ending() == CommandResult.Ending.FAILED_TO_START ? null : result.duration());
    }

    private void extend(ClaimedItem item, String label, AtomicBoolean running) {
        service.extend(settings.queue(), new ExtendRequest(service.receipt(item), settings.visibility().toMillis()))
                .onFailure(e -> {
                    if (!running.get()) {
                        return;
                    }
                    if (e instanceof ProblemException p && p.type() == ProblemType.RECEIPT_STALE) {
                        LOG.warn("{}: the claim was lost while its command ran (it lapsed); the item may run twice", label);
                    } else {
                        LOG.warn("{}: extending the claim failed: {}", label, e.getMessage());
                    }
                });
    }

    /**
     * Acks or nacks the item as the verdict says.
     *
     * @return the outcome that happened: a retry becomes a dead letter when the item had used up its
     *     attempts; empty when the item could not be settled (stale receipt, engine failure)
     */
    private Optional<Outcome> settle(ClaimedItem item, Verdict verdict) {
        String receipt = service.receipt(item);
        try {
            if (verdict.nack() == null) {
                await(service.ack(settings.queue(), receipt));
                return Optional.of(verdict.outcome());
            }
            NackOutcome nacked = await(service.nack(settings.queue(), new NackRequest(receipt, verdict.nack())));
            return Optional.of(nacked.state() == ItemState.DEAD && verdict.outcome() == Outcome.RETRIED
                    ? Outcome.DEAD_LETTERED : verdict.outcome());
        } catch (ProblemException e) {
            LOG.warn("item {}: not {}: the receipt is stale (the claim lapsed and the item went to another worker)",
                    item.id(), verdict.outcome().tag());
        } catch (RuntimeException e) {
            LOG.warn("item {}: not {}: {}; the item becomes visible again when its claim lapses",
                    item.id(), verdict.outcome().tag(), e.getMessage());
        }
        return Optional.empty();
    }

    /** One line per item; at INFO only without command output (which may hold payload data). */
    private static void log(String label, ClaimedItem item, CommandResult result, Verdict verdict, Outcome outcome) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{}: {} after {} ms: {}", label, outcome.tag(), result.duration().toMillis(),
                    verdict.nack() == null ? "exit status 0" : verdict.nack().reason());
        } else if (outcome != Outcome.ACKED) {
            String why = switch (result.ending()) {
                case EXITED -> "exit status " + result.exitStatus();
                case FAILED_TO_START -> "the command could not start";
                case INTERRUPTED -> "killed at the drain deadline";
                case TIMED_OUT -> verdict.nack().reason();
            };
            LOG.info("{} (attempt {} of {}): {}: {}", label, item.attempt(), item.maxAttempts(), outcome.tag(), why);
        }
    }

    /** Waits for a service call, ignoring interrupts (they are restored): a settlement must land. */
    private static <T> T await(Future<T> future) {
        CompletableFuture<T> f = future.toCompletionStage().toCompletableFuture();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get(ENGINE_WAIT_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new EngineException("the engine call failed", e.getCause());
                } catch (TimeoutException e) {
                    throw new EngineException("the engine did not answer within " + ENGINE_WAIT_MS + " ms", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(CLAIM_RETRY_MS);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** One claimed item, holding one slot until it is settled. */
    private final class ItemTask implements Runnable {
        private final ClaimedItem item;

        ItemTask(ClaimedItem item) {
            this.item = item;
        }

        @Override
        public void run() {
            if (stopping) {
                release();
                return;
            }
            try {
                process(item);
            } finally {
                slots.release();
            }
        }

        /** Gives the item back unrun, for another worker at once, and frees its slot. */
        void release() {
            try {
                settle(item, Verdict.released());
                metrics.record(Outcome.RELEASED, null);
            } finally {
                slots.release();
            }
        }
    }
}
