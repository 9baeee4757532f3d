package io.patternkit.workqueue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.HealthCheckResult;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.protocol.Wire;
import io.patternkit.workqueue.internal.ConsumerEngine;
import io.patternkit.workqueue.internal.ConsumerSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a {@link WorkHandler} over a {@link WorkQueue}: claims in batches with long-polls, handles with
 * bounded concurrency, acks when the handler returns, nacks with backoff when it throws, dead-letters on
 * {@link PoisonItemException}, extends visibility automatically while handlers run, and drains gracefully.
 *
 * <p>Threads: one poller thread claims, at most {@code batchSize} items per call and never more than the
 * consumer can hold: {@code max(concurrency, batchSize)} items, running or buffered. With the default
 * {@code batchSize} (the concurrency) nothing waits in a local buffer; a larger {@code batchSize}
 * prefetches, which saves claim round trips when handlers are short (as an SQS client's prefetch does):
 * such a consumer claims again once half of its buffer is free ({@code (batchSize - concurrency + 1) / 2}
 * slots, at least 1), so each claim fetches about half a buffer while the items still held keep the handlers
 * busy, instead of one claim per finished item.
 * {@code concurrency} worker threads run the handler. A handled item's ack rides on the poller's next claim
 * ({@link WorkQueue#ackAndClaim}: one round trip for both, and the item's slot passes to the claim); the poller
 * counts handled items as free slots when it decides to claim. What the poller does not carry within the
 * {@link Builder#ackLinger ack linger} (100 ms by default; it is
 * parked in a long-poll, its claims are far apart, or claiming stopped) one acker thread acks in one batch call with whatever else was
 * handled meanwhile. An item holds its slot until its ack returns, so the sidecar never holds more of this
 * consumer's items in flight than it can hold. One extender thread extends the visibility of all held items, running or buffered, in one
 * batch call every third of the visibility timeout. Ordering: items start in the order each claim returned them, but
 * with concurrency above 1 they finish in any order; nothing is ordered across claims (as SQS standard
 * queues). When the sidecar is unavailable the poller backs off exponentially (up to 5 s) and keeps
 * trying, logging one WARN per outage; the loop never dies on an exception.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #drain(Duration)} or {@link #close()} once; a drained
 * consumer cannot be restarted. Join the application's {@link Lifecycle} ({@link Builder#lifecycle}) so
 * that SIGTERM or a {@code preStop} hook drains it in the right order, or close it yourself on shutdown
 * (before its client).
 */
public final class WorkQueueConsumer implements AutoCloseable {
    /** The most of a drain phase's share kept for releasing unfinished items after the grace. */
    private static final Duration RELEASE_RESERVE = Duration.ofSeconds(2);

    private final ConsumerEngine engine;
    private final Duration drainTimeout;
    /** What {@link Builder#lifecycle} registered; removed once the application drains or closes the consumer. */
    private volatile Lifecycle.Registration lifecycleRegistration = () -> { };

    private WorkQueueConsumer(ConsumerEngine engine, Duration drainTimeout) {
        this.engine = engine;
        this.drainTimeout = drainTimeout;
    }

    /**
     * @param queue the queue to consume; not null
     * @param handler the work; not null
     * @return a builder with the defaults documented on its methods
     */
    public static Builder builder(WorkQueue queue, WorkHandler handler) {
        return new Builder(queue, handler);
    }

    /**
     * Starts the poller, workers and extender; returns at once.
     *
     * @throws IllegalStateException when already started or drained
     */
    public void start() {
        engine.start();
    }

    /** @return true between {@link #start()} and the beginning of a drain */
    public boolean isRunning() {
        return engine.isRunning();
    }

    /** @return counts since start; a snapshot */
    public ConsumerStats stats() {
        return engine.stats();
    }

    /**
     * Stops claiming, waits up to {@code grace} for running handlers to finish (and be acked or nacked),
     * then gives back every unfinished item at once (nack with delay 0, so another worker can claim it)
     * and interrupts those handlers, whose later outcome is ignored. A long-poll under way is ended early
     * through the sidecar, and the items it returns are given back with the rest: that end is waited for
     * up to a second even when the grace is shorter, so that they do not wait out their visibility timeout.
     * Idempotent: a second call returns the first result. A consumer built with a {@link Builder#lifecycle lifecycle}
     * then leaves it: its readiness check no longer holds the application's readiness down, and its drain steps and
     * info go (its own drain, by the lifecycle, keeps them to the end).
     *
     * @param grace how long to wait for running handlers; zero releases them at once
     * @return how many handlers completed and how many items were released
     */
    public DrainResult drain(Duration grace) {
        DrainResult result = drainInPlace(grace);
        lifecycleRegistration.close();
        return result;
    }

    /** {@link #drain(Duration)}, staying in the lifecycle: the drain step the lifecycle runs. */
    private DrainResult drainInPlace(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, got " + grace);
        }
        return engine.drain(grace);
    }

    /**
     * Stops claiming without waiting for anything: no new claim is made and a long-poll under way is
     * cancelled (a Patternkit sidecar gives back at once what it claims for a client that went away).
     * Running handlers go on; {@link #drain(Duration)} later finishes or releases them. Idempotent.
     */
    public void stopClaiming() {
        engine.stopClaiming();
    }

    /** @return the result of the drain once one has ended; empty before */
    public Optional<DrainResult> drainResult() {
        return engine.drainResult();
    }

    /** {@link #drain(Duration)} with the configured drain timeout. */
    @Override
    public void close() {
        drain(drainTimeout);
    }

    /**
     * Ready while claiming; down once started and then stopped claiming (a drain). A consumer the application has not
     * started is not counted: it may be one that starts on a condition of the application's, or never (Spring's
     * {@code autoStartup = false}), and an application waiting for it would never be ready.
     */
    private static HealthCheckResult readiness(WorkQueueConsumer consumer) {
        if (!consumer.engine.isStarted()) {
            return HealthCheckResult.healthy("not started");
        }
        return consumer.isRunning() ? HealthCheckResult.healthy() : HealthCheckResult.unhealthy("not claiming: draining");
    }

    private static Map<String, Object> info(String queue, ConsumerSettings settings, WorkQueueConsumer consumer) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("queue", queue);
        doc.put("running", consumer.isRunning());
        doc.put("concurrency", settings.concurrency());
        doc.put("batchSize", settings.batchSize());
        doc.put("visibilityTimeoutMs", settings.visibilityTimeout().toMillis());
        doc.put("stats", consumer.stats());
        consumer.drainResult().ifPresent(r -> doc.put("drain", r));
        return doc;
    }

    private static Duration graceWithin(Duration budget) {
        Duration reserve = budget.dividedBy(5);
        return budget.minus(reserve.compareTo(RELEASE_RESERVE) > 0 ? RELEASE_RESERVE : reserve);
    }

    /** Builder of {@link WorkQueueConsumer}; not thread-safe. Setters validate at once. */
    public static final class Builder {
        private final WorkQueue queue;
        private final WorkHandler handler;
        private int concurrency = 4;
        private Integer batchSize;
        private Duration visibilityTimeout = Duration.ofSeconds(30);
        private Duration pollWait = Duration.ofSeconds(20);
        private Duration ackLinger = Duration.ofMillis(100);
        private Duration drainTimeout = Duration.ofSeconds(30);
        private MeterRegistry meterRegistry;
        private ConsumerListener listener = new ConsumerListener() {
        };
        private Lifecycle lifecycle;

        private Builder(WorkQueue queue, WorkHandler handler) {
            this.queue = Objects.requireNonNull(queue, "queue");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /**
         * @param concurrency handler calls at once, 1 to 1000; default 4
         * @return this builder
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > Wire.MAX_BATCH) {
                throw new IllegalArgumentException("concurrency must be 1..1000, got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * @param batchSize most items per claim, 1 to 1000; default the concurrency. Above the concurrency,
         *     up to {@code batchSize - concurrency} claimed items wait in a local buffer for a free handler
         *     (their visibility is extended while they wait, and a drain releases them at once).
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > Wire.MAX_BATCH) {
                throw new IllegalArgumentException("batchSize must be 1..1000, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param visibilityTimeout each claim's visibility timeout, 3 ms to 12 hours; default 30 s. Extended
         *     every third of it while the handler runs.
         * @return this builder
         */
        public Builder visibilityTimeout(Duration visibilityTimeout) {
            Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
            if (visibilityTimeout.toMillis() < 3 || visibilityTimeout.toMillis() > Wire.MAX_VISIBILITY_MS) {
                throw new IllegalArgumentException("visibilityTimeout must be 3ms..12h, got " + visibilityTimeout);
            }
            this.visibilityTimeout = visibilityTimeout;
            return this;
        }

        /**
         * @param pollWait long-poll wait of each claim, 0 to 20 s; default 20 s
         * @return this builder
         */
        public Builder pollWait(Duration pollWait) {
            Objects.requireNonNull(pollWait, "pollWait");
            if (pollWait.isNegative() || pollWait.toMillis() > Wire.MAX_WAIT_MS) {
                throw new IllegalArgumentException("pollWait must be 0..20s, got " + pollWait);
            }
            this.pollWait = pollWait;
            return this;
        }

        /**
         * How long a handled item's ack waits for the poller's next claim to carry it ({@link WorkQueue#ackAndClaim},
         * one round trip for both) before the acker sends it in a call of its own, as Kafka's producer lingers to
         * fill a batch. Longer saves more calls when claims are far apart; the item holds its slot meanwhile, and an
         * item handled by a worker that dies within the linger is redelivered (at least once). The linger is at most a
         * quarter of the {@link #visibilityTimeout visibility timeout} (a longer one is shortened to that), so that a
         * handled item's ack goes well before its visibility lapses. The default, 100 ms, follows the SQS buffered
         * client, whose batches stay open up to 200 ms ({@code maxBatchOpenMs}): with 25 ms, about one call in six of
         * the main job's workers was an ack of its own, with 100 ms one in a hundred (docs/benchmarks.md, section 11).
         *
         * @param ackLinger 0 to 1 s (0: every ack the poller has not carried already goes at once); default 100 ms
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder ackLinger(Duration ackLinger) {
            Objects.requireNonNull(ackLinger, "ackLinger");
            if (ackLinger.isNegative() || ackLinger.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("ackLinger must be 0..1s, got " + ackLinger);
            }
            this.ackLinger = ackLinger;
            return this;
        }

        /**
         * @param drainTimeout the grace {@link #close()} gives running handlers, not negative; default 30 s
         * @return this builder
         */
        public Builder drainTimeout(Duration drainTimeout) {
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            if (drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must not be negative, got " + drainTimeout);
            }
            this.drainTimeout = drainTimeout;
            return this;
        }

        /**
         * @param meterRegistry where the consumer's meters ({@link WorkQueueMetrics}) go; default a private
         *     {@code SimpleMeterRegistry}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * @param listener callbacks on each outcome; default none
         * @return this builder
         */
        public Builder listener(ConsumerListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Joins the application's drain: the consumer stops claiming in {@link DrainPhase#STOP_CLAIMING},
         * and in {@link DrainPhase#FINISH_IN_FLIGHT} lets running handlers finish within that phase's share
         * of the deadline and releases the rest: {@link #drain(Duration)} with the share as grace, less a
         * fifth of it (at most 2 s) kept for the release call. The consumer is also a readiness check of the
         * lifecycle (down once started and then stopped claiming; not counted before its start) and an info
         * contribution (its settings and stats).
         *
         * @param lifecycle the application's lifecycle; default none (drain or close the consumer yourself)
         * @return this builder
         */
        public Builder lifecycle(Lifecycle lifecycle) {
            this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
            return this;
        }

        /**
         * @return the consumer, not yet started; registered with the {@link #lifecycle lifecycle} if one was given
         * @throws IllegalStateException when the lifecycle's drain has already begun
         */
        public WorkQueueConsumer build() {
            ConsumerSettings settings = new ConsumerSettings(concurrency, batchSize == null ? concurrency : batchSize,
                    visibilityTimeout, pollWait, ackLinger, meterRegistry == null ? new SimpleMeterRegistry() : meterRegistry,
                    listener);
            WorkQueueConsumer consumer = new WorkQueueConsumer(new ConsumerEngine(queue, handler, settings), drainTimeout);
            if (lifecycle != null) {
                String name = "work-queue consumer of " + queue.name();
                try {
                    consumer.lifecycleRegistration = Lifecycle.Registration.of(
                            lifecycle.register(DrainPhase.STOP_CLAIMING, name, budget -> consumer.stopClaiming()),
                            lifecycle.register(DrainPhase.FINISH_IN_FLIGHT, name,
                                    budget -> consumer.drainInPlace(graceWithin(budget))),
                            lifecycle.registerHealthCheck(HealthProbe.READINESS, name, () -> readiness(consumer)),
                            lifecycle.registerInfo(name, () -> info(queue.name(), settings, consumer)));
                } catch (RuntimeException e) { // a drain has begun: nobody could close a consumer that is not returned
                    consumer.close();
                    throw e;
                }
            }
            return consumer;
        }
    }
}
