package io.patternkit.sidecar.workqueue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.sidecar.common.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The work-queue meters, per queue. Meter names live here and nowhere else (the command runner's
 * meters are registered by {@link io.patternkit.sidecar.workqueue.exec.ExecMetrics} under the
 * names below). Thread-safe.
 *
 * <ul>
 *   <li>{@code patternkit_workqueue_items_total{queue,event}}: items by event, as this sidecar saw
 *       them: enqueued, claimed, acked, nacked, dead_lettered, redelivered, given_back (claimed for a
 *       client that closed its connection before the answer, and given back at once). An item is counted
 *       acked once, however often its receipt is acked.</li>
 *   <li>{@code patternkit_workqueue_depth{queue,state}}: items by state (ready, delayed, in_flight,
 *       dead), across every sidecar sharing the engine, as of the last refresh (SQS
 *       ApproximateNumberOfMessages and friends; the numbers to autoscale workers on).</li>
 *   <li>{@code patternkit_workqueue_oldest_ready_age_seconds{queue}}: age of the oldest ready item.</li>
 * </ul>
 *
 * <p>The depth gauges read a snapshot refreshed by {@link WorkQueueService} every few seconds off
 * the event loop, so a Prometheus scrape never runs SQL. A queue's meters appear the first time
 * this sidecar serves a call on it, and go when it has served none on it for {@link #FORGET_AFTER} and the queue
 * holds no item at all (none ready, delayed, in flight, dead, or acked and kept for deduplication): an app that
 * names a queue per job or per tenant would otherwise leave a dozen series, and a query in every housekeeping round,
 * behind each name for the process's life. They come back, counters from zero (which Prometheus' {@code rate} reads
 * as a reset), with the next call on the queue.
 */
public final class WorkQueueMetrics {
    /** The item counter's name. */
    public static final String ITEMS = "patternkit.workqueue.items";
    /** The depth gauge's name. */
    public static final String DEPTH = "patternkit.workqueue.depth";
    /** The oldest-ready-age gauge's name. */
    public static final String OLDEST_READY_AGE = "patternkit.workqueue.oldest.ready.age";
    /** Commands run per item, by {@code queue} and {@code outcome}. */
    public static final String EXEC_COMMANDS = "patternkit.workqueue.exec.commands";
    /** How long commands run per item took, by {@code queue} and {@code outcome}. */
    public static final String EXEC_DURATION = "patternkit.workqueue.exec.duration";

    /** How long a queue without items keeps its meters after this sidecar's last call on it. */
    public static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    private final MeterRegistry registry;
    private final Ticker ticker;
    private final Map<String, QueueMeters> queues = new ConcurrentHashMap<>();

    /**
     * Creates the meters' home; each queue registers its meters on first use.
     *
     * @param registry the registry, never null
     * @param ticker the clock of {@link #FORGET_AFTER}
     */
    public WorkQueueMetrics(MeterRegistry registry, Ticker ticker) {
        this.registry = registry;
        this.ticker = ticker;
    }

    /**
     * The meters of one queue for a call this sidecar serves on it: registered on first use, and the queue marked used.
     *
     * @param queue a valid queue name
     * @return the queue's meters, never null
     */
    public QueueMeters of(String queue) {
        long now = ticker.nanoTime();
        return queues.compute(queue, (q, known) -> {
            QueueMeters meters = known != null ? known : new QueueMeters(registry, q);
            meters.lastUsedNanos = now;
            return meters;
        });
    }

    /**
     * Records what a housekeeping round found for a queue, without marking it used: the lapsed last attempts it
     * dead-lettered and the queue's depth. Forgets the queue's meters when it holds no item and has not been used for
     * {@link #FORGET_AFTER}.
     *
     * @param queue a queue from {@link #knownQueues()}
     * @param deadLettered the items the round dead-lettered
     * @param stats the queue's depth after that
     */
    void housekept(String queue, long deadLettered, QueueStats stats) {
        long now = ticker.nanoTime();
        queues.computeIfPresent(queue, (q, meters) -> {
            meters.deadLettered.increment(deadLettered);
            meters.depth(stats);
            if (deadLettered == 0 && stats.holdsNothing() && now - meters.lastUsedNanos >= FORGET_AFTER.toNanos()) {
                meters.registered.forEach(registry::remove);
                return null;
            }
            return meters;
        });
    }

    /** @return the queues this sidecar has served so far, whose depth should be refreshed */
    Iterable<String> knownQueues() {
        return queues.keySet();
    }

    /** The meters of one queue. Thread-safe. */
    public static final class QueueMeters {
        private final List<Meter> registered = new ArrayList<>();
        private volatile long lastUsedNanos;
        final Counter enqueued;
        final Counter claimed;
        final Counter acked;
        final Counter nacked;
        final Counter deadLettered;
        final Counter redelivered;
        final Counter givenBack;
        private final AtomicReference<QueueStats> depth = new AtomicReference<>(new QueueStats(0, 0, 0, 0, 0, 0));

        private QueueMeters(MeterRegistry registry, String queue) {
            enqueued = counter(registry, queue, "enqueued");
            claimed = counter(registry, queue, "claimed");
            acked = counter(registry, queue, "acked");
            nacked = counter(registry, queue, "nacked");
            deadLettered = counter(registry, queue, "dead_lettered");
            redelivered = counter(registry, queue, "redelivered");
            givenBack = counter(registry, queue, "given_back");
            gauge(registry, queue, "ready", s -> s.ready());
            gauge(registry, queue, "delayed", s -> s.delayed());
            gauge(registry, queue, "in_flight", s -> s.inFlight());
            gauge(registry, queue, "dead", s -> s.dead());
            registered.add(Gauge.builder(OLDEST_READY_AGE, depth, d -> d.get().oldestReadyAgeMs() / 1000.0).tag("queue", queue)
                    .baseUnit("seconds").description("Age of the oldest ready item").register(registry));
        }

        /**
         * Records a fresh depth snapshot for the gauges.
         *
         * @param stats the queue's statistics, never null
         */
        void depth(QueueStats stats) {
            depth.set(stats);
        }

        private void gauge(MeterRegistry registry, String queue, String state,
                java.util.function.ToDoubleFunction<QueueStats> value) {
            registered.add(Gauge.builder(DEPTH, depth, d -> value.applyAsDouble(d.get())).tag("queue", queue).tag("state", state)
                    .description("Work-queue items by state, across every sidecar sharing the engine").register(registry));
        }

        private Counter counter(MeterRegistry registry, String queue, String event) {
            Counter counter = Counter.builder(ITEMS).tag("queue", queue).tag("event", event)
                    .description("Work-queue items by event").register(registry);
            registered.add(counter);
            return counter;
        }
    }
}
