package io.patternkit.testing;

import io.patternkit.core.AdvanceableClock;

import io.github.resilience4j.core.IntervalFunction;

import io.patternkit.core.internal.DaemonThreads;

import io.patternkit.protocol.NameRule;

import io.patternkit.core.ConflictException;
import io.patternkit.core.PatternkitException;
import io.patternkit.core.PayloadTooLargeException;
import io.patternkit.protocol.ProblemType;
import io.patternkit.workqueue.BatchOutcome;
import io.patternkit.workqueue.DeadLetter;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.EnqueueResult;
import io.patternkit.workqueue.Nack;
import io.patternkit.workqueue.NackOutcome;
import io.patternkit.workqueue.QueueStats;
import io.patternkit.workqueue.ReceiptStaleException;
import io.patternkit.workqueue.WorkItem;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.internal.Arguments;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * A faithful in-memory {@link WorkQueue} for unit tests that should not start a sidecar: the same
 * semantics as the real work-queue sidecar, held in this JVM, with time read from an injectable
 * {@link Clock} (use a {@link ManualClock} to test visibility timeouts without waiting).
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * InMemoryWorkQueue queue = InMemoryWorkQueue.builder().name("orders").clock(clock).build();
 * queue.enqueue(Enqueue.json("{\"id\":7}"));
 * WorkItem item = queue.claim(1, Duration.ofSeconds(30), Duration.ZERO).get(0);
 * clock.advance(Duration.ofSeconds(31));                       // the worker "died"
 * WorkItem again = queue.claim(1, Duration.ofSeconds(30), Duration.ZERO).get(0);
 * assertThat(again.attempt()).isEqualTo(2);
 * assertThatThrownBy(() -> queue.ack(item)).isInstanceOf(ReceiptStaleException.class);
 * }</pre>
 *
 * <p>Semantics, as the sidecar's engines (Amazon SQS's model):
 * <ul>
 *   <li>Claims hand out ready items highest priority first, then oldest first. Each claim raises the
 *       item's attempt by one, hides it for the visibility timeout and issues a fresh receipt; earlier
 *       receipts of the item become stale ({@link ReceiptStaleException}; a {@code receipt-stale}
 *       outcome in the batch forms).</li>
 *   <li>Only the item's latest receipt acks, nacks or extends it, and only while the item is in flight
 *       (ack also while it is acked: ack is idempotent). As in the sidecar, a lapsed visibility timeout
 *       alone does not stale the receipt: it goes stale when the item is claimed again, nacked,
 *       dead-lettered or acked-and-forgotten.</li>
 *   <li>Nack without a delay backs off {@code base * 2^(attempt-1)}, capped (defaults 1 s and 5 min, as
 *       the sidecar's {@code --backoff-base} and {@code --backoff-max}); a nack that dead-letters, or any
 *       nack on the item's last attempt, moves it to the dead-letter queue with the nack's reason, or
 *       "nacked on attempt N of M" without one.</li>
 *   <li>An item whose visibility lapses on its last attempt is dead-lettered with the reason
 *       "visibility timeout expired on attempt N of M" when the queue is next claimed from or
 *       inspected ({@link #stats()}, {@link #deadLetters(int)}), as the sidecar sweeps.</li>
 *   <li>A dedup key matches any item of the queue that still exists, in any state (dead included), and
 *       an acked item until the dedup window after its ack has passed (default 5 min, the sidecar's
 *       {@code --dedup-window}). The fake forgets acked items exactly at the end of the window; the
 *       sidecar purges periodically, so there they may deduplicate up to one purge period longer.</li>
 *   <li>Payloads larger than the item size limit (default 256 KiB, the sidecar's
 *       {@code --max-item-bytes}) fail with {@link PayloadTooLargeException}; arguments outside the
 *       wire's limits fail with {@link IllegalArgumentException}, exactly as the HTTP client. The
 *       sidecar's limit on a whole request body ({@code --max-body-bytes}) is not modelled.</li>
 * </ul>
 *
 * <p><b>Time.</b> Visibility timeouts, delays, backoff, the dedup window and every instant the queue
 * reports are read from the configured clock (millisecond precision, as the sidecar). The long-poll
 * {@code wait} of {@link #claim(int, Duration, Duration)} is <em>real</em> time: a claim with nothing to
 * hand out blocks the calling thread up to {@code wait} (measured with {@link System#nanoTime()}) and
 * returns as soon as something becomes claimable: after an enqueue, a nack, an extend, a redrive, an
 * advance of the {@link ManualClock}, or (on a clock that moves by itself) when a delay or visibility
 * timeout runs out. An interrupted long-poll returns what it has (nothing) with the interrupt flag set.
 *
 * <p>Thread-safe: one lock per queue. Item ids are unique across every in-memory queue of the JVM, so a
 * receipt of one queue is stale on another, as on the sidecar.
 */
public final class InMemoryWorkQueue implements WorkQueue {
    /** The sidecar's default first nack backoff ({@code --backoff-base}). */
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);
    /** The sidecar's default longest nack backoff ({@code --backoff-max}). */
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(5);
    /** The sidecar's default dedup window after an ack ({@code --dedup-window}). */
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(5);
    /** The sidecar's default {@code maxAttempts} of items that do not say ({@code --default-max-attempts}). */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** The sidecar's default largest serialised payload in bytes ({@code --max-item-bytes}). */
    public static final long DEFAULT_MAX_ITEM_BYTES = 262_144;

    private static final long MAX_BACKOFF_BASE_MS = Duration.ofDays(1).toMillis();
    private static final String STALE_DETAIL =
            "the receipt is not the item's latest: it was acked, nacked, redelivered or never issued";
    private static final String STALE_BATCH_DETAIL = "the receipt is not the item's latest";
    private static final AtomicLong IDS = new AtomicLong();
    private static final ExecutorService ASYNC = Executors.newCachedThreadPool(DaemonThreads.numbered("patternkit-in-memory-queue-"));

    private final String name;
    private final Clock clock;
    private final IntervalFunction backoff;
    private final long dedupWindowMs;
    private final int defaultMaxAttempts;
    private final long maxItemBytes;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Every item not yet forgotten, by id (ascending id is enqueue order). Guarded by {@link #lock}. */
    private final Map<Long, Item> items = new LinkedHashMap<>();
    /** Items with a dedup key, by key. Guarded by {@link #lock}. */
    private final Map<String, Item> byDedupKey = new HashMap<>();
    /** Acked items in ack order, to forget them after the dedup window. Guarded by {@link #lock}. */
    private final Deque<Item> acked = new ArrayDeque<>();
    /** Held strongly so that the {@link ManualClock}'s weak reference lives as long as this queue. */
    private final Runnable wakeOnAdvance = this::wake;

    private InMemoryWorkQueue(Builder b) {
        this.name = b.name;
        this.clock = b.clock;
        this.backoff = IntervalFunction.ofExponentialBackoff(b.backoffBase, 2.0, b.backoffMax);
        this.dedupWindowMs = b.dedupWindow.toMillis();
        this.defaultMaxAttempts = b.defaultMaxAttempts;
        this.maxItemBytes = b.maxItemBytes;
        if (clock instanceof AdvanceableClock advanceable) {
            advanceable.onAdvance(wakeOnAdvance);
        }
    }

    /**
     * Starts describing a queue; every setting defaults to the sidecar's default.
     *
     * @return a builder: name {@code "in-memory"}, the system UTC clock, backoff 1 s to 5 min, dedup window
     *     5 min, default max attempts 5, item size limit 256 KiB
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a queue with the sidecar's defaults on the given clock.
     *
     * @param name the queue's name (1 to 128 letters, digits, {@code .}, {@code _} and {@code -})
     * @param clock the clock; a {@link ManualClock} for tests that move time
     * @return the queue
     */
    public static InMemoryWorkQueue create(String name, Clock clock) {
        return builder().name(name).clock(clock).build();
    }

    /** @return the queue's name */
    @Override
    public String name() {
        return name;
    }

    /** @return the clock the queue reads for visibility, delays, backoff and the dedup window */
    public Clock clock() {
        return clock;
    }

    /**
     * Enqueues one item, or finds the existing item with the same dedup key.
     *
     * @param item the item; not null
     * @return its id, or the existing item's id with {@code duplicate} true
     * @throws PayloadTooLargeException when the payload is larger than the item size limit
     */
    @Override
    public EnqueueResult enqueue(Enqueue item) {
        Objects.requireNonNull(item, "item");
        checkSize(List.of(item));
        lock.lock();
        try {
            EnqueueResult result = insert(item, now());
            changed.signalAll();
            return result;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #enqueue(Enqueue)}, completed before it returns.
     *
     * @param item the item; not null
     * @return a completed future, or one failed with the {@link PatternkitException}
     */
    @Override
    public CompletableFuture<EnqueueResult> enqueueAsync(Enqueue item) {
        Objects.requireNonNull(item, "item");
        try {
            return CompletableFuture.completedFuture(enqueue(item));
        } catch (PatternkitException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Enqueues many items in request order; as the HTTP client, in groups of at most 1000, each group
     * checked as a whole (a too-large payload fails its group and the later ones; earlier groups stay).
     *
     * @param items the items, possibly empty; not null
     * @return one result per item, in order; a key repeated within the list is a duplicate of its first use
     * @throws PayloadTooLargeException when a payload is larger than the item size limit
     */
    @Override
    public List<EnqueueResult> enqueueAll(List<Enqueue> items) {
        return Arguments.chunked(items, chunk -> {
            chunk.forEach(e -> Objects.requireNonNull(e, "item"));
            checkSize(chunk);
            lock.lock();
            try {
                long now = now();
                List<EnqueueResult> results = new ArrayList<>(chunk.size());
                for (Enqueue e : chunk) {
                    results.add(insert(e, now));
                }
                changed.signalAll();
                return results;
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * Claims up to {@code max} claimable items, highest priority first, then oldest first; when none is
     * claimable, blocks up to {@code wait} of real time for one to become so.
     *
     * @param max 1 to 1000
     * @param visibilityTimeout 1 ms to 12 hours, on the queue's clock
     * @param wait 0 to 20 s of real time (not the queue's clock)
     * @return the claimed items, empty when {@code wait} passed with nothing to claim
     */
    @Override
    public List<WorkItem> claim(int max, Duration visibilityTimeout, Duration wait) {
        long visibilityMs = claimVisibilityMs(max, visibilityTimeout, wait);
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (true) {
                long now = now();
                sweep(now);
                List<WorkItem> claimed = claimNow(max, visibilityMs, now);
                long remaining = deadline - System.nanoTime();
                if (!claimed.isEmpty() || remaining <= 0) {
                    return claimed;
                }
                OptionalLong next = millisUntilNextVisible(now);
                long park = next.isPresent()
                        ? Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(Math.max(1, next.getAsLong())))
                        : remaining;
                try {
                    changed.awaitNanos(park);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #claim(int, Duration, Duration)} on a daemon thread of the fake's own pool.
     *
     * @param max 1 to 1000
     * @param visibilityTimeout 1 ms to 12 hours, on the queue's clock
     * @param wait 0 to 20 s of real time
     * @return a future completed with the items
     */
    @Override
    public CompletableFuture<List<WorkItem>> claimAsync(int max, Duration visibilityTimeout, Duration wait) {
        claimVisibilityMs(max, visibilityTimeout, wait);
        return CompletableFuture.supplyAsync(() -> claim(max, visibilityTimeout, wait), ASYNC);
    }

    /**
     * Acknowledges a delivery; idempotent for the item's latest receipt.
     *
     * @param receipt the delivery's receipt; 1 to 256 characters
     * @throws ReceiptStaleException when the receipt is not the item's latest, or the item is no longer in
     *     flight or acked
     */
    @Override
    public void ack(String receipt) {
        Arguments.receipt(receipt);
        lock.lock();
        try {
            if (!ackOne(receipt, now())) {
                throw stale("ack");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives a delivery back: after the backoff or the nack's delay, or to the dead-letter queue (also when
     * the item is on its last attempt).
     *
     * @param receipt the delivery's receipt; 1 to 256 characters
     * @param how backoff, delay or dead-letter; not null
     * @return where the item went, with the instant it is claimable again unless dead
     * @throws ReceiptStaleException when the receipt is not the item's latest or the item is not in flight
     */
    @Override
    public NackOutcome nack(String receipt, Nack how) {
        Arguments.receipt(receipt);
        Objects.requireNonNull(how, "how");
        lock.lock();
        try {
            Optional<NackOutcome> outcome = nackOne(receipt, how, now());
            changed.signalAll();
            return outcome.orElseThrow(() -> stale("nack"));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the delivery's visibility deadline to {@code visibilityTimeout} from now on the queue's clock.
     *
     * @param receipt the delivery's receipt; 1 to 256 characters
     * @param visibilityTimeout 1 ms to 12 hours
     * @return the new deadline
     * @throws ReceiptStaleException when the receipt is not the item's latest or the item is not in flight
     */
    @Override
    public Instant extend(String receipt, Duration visibilityTimeout) {
        Arguments.receipt(receipt);
        long ms = Arguments.visibilityMs(visibilityTimeout);
        lock.lock();
        try {
            OptionalLong until = extendOne(receipt, ms, now());
            changed.signalAll();
            if (until.isEmpty()) {
                throw stale("extend");
            }
            return Instant.ofEpochMilli(until.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Acknowledges many receipts, each with its own outcome.
     *
     * @param receipts the receipts, possibly empty; each 1 to 256 characters
     * @return one outcome per receipt, in order; a stale one is not ok, with type {@code receipt-stale}
     */
    @Override
    public List<BatchOutcome> ackAll(List<String> receipts) {
        return perReceipt(receipts, (r, now) -> ackOne(r, now) ? ok(r, null, null) : staleOutcome(r));
    }

    /**
     * Nacks many receipts the same way, each with its own outcome.
     *
     * @param receipts the receipts, possibly empty; each 1 to 256 characters
     * @param how backoff, delay or dead-letter; not null
     * @return one outcome per receipt, in order, with the state each item went to (no instant, as the wire)
     */
    @Override
    public List<BatchOutcome> nackAll(List<String> receipts, Nack how) {
        Objects.requireNonNull(how, "how");
        return perReceipt(receipts, (r, now) -> nackOne(r, how, now).map(o -> ok(r, o.state(), null))
                .orElseGet(() -> staleOutcome(r)));
    }

    /**
     * Extends many receipts to the same visibility timeout, each with its own outcome.
     *
     * @param receipts the receipts, possibly empty; each 1 to 256 characters
     * @param visibilityTimeout 1 ms to 12 hours from now
     * @return one outcome per receipt, in order, with the new deadline of each
     */
    @Override
    public List<BatchOutcome> extendAll(List<String> receipts, Duration visibilityTimeout) {
        long ms = Arguments.visibilityMs(visibilityTimeout);
        return perReceipt(receipts, (r, now) -> {
            OptionalLong until = extendOne(r, ms, now);
            return until.isPresent() ? ok(r, null, Instant.ofEpochMilli(until.getAsLong())) : staleOutcome(r);
        });
    }

    /**
     * A batch operation: each chunk of at most 1000 receipts is checked, then settled receipt by
     * receipt under the lock at one instant, and waiting claims are woken.
     */
    private List<BatchOutcome> perReceipt(List<String> receipts, BiFunction<String, Long, BatchOutcome> one) {
        return Arguments.chunked(receipts, chunk -> {
            Arguments.receipts(chunk);
            lock.lock();
            try {
                long now = now();
                List<BatchOutcome> out = new ArrayList<>(chunk.size());
                for (String r : chunk) {
                    out.add(one.apply(r, now));
                }
                changed.signalAll();
                return out;
            } finally {
                lock.unlock();
            }
        });
    }

    /**
     * Counts the items by state, dead-lettering lapsed last attempts first (as the sidecar).
     *
     * @return ready (claimable now, including lapsed claims), delayed, in flight, dead, acked (within the
     *     dedup window), and the age of the oldest ready item by its enqueue time
     */
    @Override
    public QueueStats stats() {
        lock.lock();
        try {
            long now = now();
            sweep(now);
            long ready = 0;
            long delayed = 0;
            long inFlight = 0;
            long dead = 0;
            long ackedCount = 0;
            long oldest = Long.MAX_VALUE;
            for (Item i : items.values()) {
                if (i.claimable(now)) {
                    ready++;
                    oldest = Math.min(oldest, i.enqueuedAtMs);
                } else if (i.state == State.READY) {
                    delayed++;
                } else if (i.state == State.INFLIGHT) {
                    inFlight++;
                } else if (i.state == State.DEAD) {
                    dead++;
                } else {
                    ackedCount++;
                }
            }
            long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, now - oldest);
            return new QueueStats(ready, delayed, inFlight, dead, ackedCount, Duration.ofMillis(age));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lists dead letters, earliest death first, dead-lettering lapsed last attempts first (as the sidecar).
     *
     * @param limit 1 to 1000
     * @return up to {@code limit} dead letters
     */
    @Override
    public List<DeadLetter> deadLetters(int limit) {
        Arguments.deadLetterLimit(limit);
        lock.lock();
        try {
            sweep(now());
            return deadOldestFirst().limit(limit)
                    .map(i -> new DeadLetter(Long.toString(i.id), Optional.ofNullable(i.payloadJson),
                            Optional.ofNullable(i.fileRef), Optional.ofNullable(i.dedupKey), i.attempt,
                            Objects.requireNonNullElse(i.reason, ""), Instant.ofEpochMilli(i.enqueuedAtMs),
                            Instant.ofEpochMilli(i.deadAtMs)))
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the named dead items back to ready, claimable at once, with their attempts reset.
     *
     * @param ids 1 to 1000 ids; ids of items that are not dead in this queue are skipped
     * @return how many items were moved back
     */
    @Override
    public long redrive(List<String> ids) {
        Set<Long> wanted = new HashSet<>();
        for (String id : Arguments.redriveIds(ids)) {
            parseId(id).ifPresent(wanted::add);
        }
        return redriveWhere(wanted);
    }

    /** @return how many items were moved back, having redriven every dead item of the queue */
    @Override
    public long redriveAll() {
        return redriveWhere(null);
    }

    /** @return the queue's name and counts, for test failure messages */
    @Override
    public String toString() {
        return "InMemoryWorkQueue{name=" + name + ", " + stats() + '}';
    }

    // ---- internals; every method below that touches items runs under the lock ----

    private long now() {
        long now = clock.millis();
        while (!acked.isEmpty() && acked.peekFirst().ackedAtMs <= now - dedupWindowMs) {
            forget(acked.pollFirst());
        }
        return now;
    }

    private void forget(Item item) {
        items.remove(item.id);
        if (item.dedupKey != null) {
            byDedupKey.remove(item.dedupKey, item);
        }
    }

    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private EnqueueResult insert(Enqueue e, long now) {
        String key = e.dedupKey().orElse(null);
        if (key != null) {
            Item existing = byDedupKey.get(key);
            if (existing != null) {
                return new EnqueueResult(Long.toString(existing.id), true);
            }
        }
        Item item = new Item(IDS.incrementAndGet(), e.payloadJson().orElse(null), e.fileRef().orElse(null), key,
                e.priority(), e.maxAttempts().orElse(defaultMaxAttempts), now);
        item.visibleAtMs = now + e.delay().map(Duration::toMillis).orElse(0L);
        items.put(item.id, item);
        if (key != null) {
            byDedupKey.put(key, item);
        }
        return new EnqueueResult(Long.toString(item.id), false);
    }

    /** Dead-letters in-flight items whose visibility lapsed on their last attempt. */
    private void sweep(long now) {
        for (Item i : items.values()) {
            if (i.state == State.INFLIGHT && i.visibleAtMs <= now && i.attempt >= i.maxAttempts) {
                i.die(now, "visibility timeout expired on attempt " + i.attempt + " of " + i.maxAttempts);
            }
        }
    }

    private List<WorkItem> claimNow(int max, long visibilityMs, long now) {
        List<Item> chosen = items.values().stream().filter(i -> i.claimable(now))
                .sorted(Comparator.comparingInt((Item i) -> i.priority).reversed().thenComparingLong(i -> i.id))
                .limit(max).toList();
        List<WorkItem> out = new ArrayList<>(chosen.size());
        for (Item i : chosen) {
            i.state = State.INFLIGHT;
            i.attempt++;
            i.epoch++;
            i.visibleAtMs = now + visibilityMs;
            out.add(new WorkItem(Long.toString(i.id), encodeReceipt(i.id, i.epoch), i.attempt, i.maxAttempts,
                    i.payloadJson, i.fileRef, i.dedupKey, i.priority, Instant.ofEpochMilli(i.enqueuedAtMs),
                    Instant.ofEpochMilli(i.visibleAtMs)));
        }
        return out;
    }

    private OptionalLong millisUntilNextVisible(long now) {
        return items.values().stream().filter(i -> i.state == State.READY || i.state == State.INFLIGHT)
                .mapToLong(i -> Math.max(0, i.visibleAtMs - now)).min();
    }

    /** @return the item the receipt names when it is the item's latest, in this queue */
    private Item latest(String receipt) {
        long[] decoded = decodeReceipt(receipt);
        if (decoded == null) {
            return null;
        }
        Item item = items.get(decoded[0]);
        return item != null && item.epoch == decoded[1] ? item : null;
    }

    private boolean ackOne(String receipt, long now) {
        Item item = latest(receipt);
        if (item == null || (item.state != State.INFLIGHT && item.state != State.ACKED)) {
            return false;
        }
        if (item.state == State.INFLIGHT) {
            item.state = State.ACKED;
            item.ackedAtMs = now;
            acked.addLast(item);
        }
        return true;
    }

    private Optional<NackOutcome> nackOne(String receipt, Nack how, long now) {
        Item item = latest(receipt);
        if (item == null || item.state != State.INFLIGHT) {
            return Optional.empty();
        }
        if (how.isDeadLetter() || item.attempt >= item.maxAttempts) {
            item.die(now, how.reason().orElse("nacked on attempt " + item.attempt + " of " + item.maxAttempts));
            return Optional.of(new NackOutcome(NackOutcome.State.DEAD, Optional.empty()));
        }
        item.state = State.READY;
        item.visibleAtMs = now + how.delay().map(Duration::toMillis).orElseGet(() -> backoffMs(item.attempt));
        NackOutcome.State state = item.visibleAtMs > now ? NackOutcome.State.DELAYED : NackOutcome.State.READY;
        return Optional.of(new NackOutcome(state, Optional.of(Instant.ofEpochMilli(item.visibleAtMs))));
    }

    private OptionalLong extendOne(String receipt, long visibilityMs, long now) {
        Item item = latest(receipt);
        if (item == null || item.state != State.INFLIGHT) {
            return OptionalLong.empty();
        }
        item.visibleAtMs = now + visibilityMs;
        return OptionalLong.of(item.visibleAtMs);
    }

    /** Backoff of a nack on {@code attempt}: base times 2^(attempt-1), capped, as the sidecar computes it. */
    private long backoffMs(int attempt) {
        return backoff.apply(Math.min(attempt, 31));
    }

    private Stream<Item> deadOldestFirst() {
        return items.values().stream().filter(i -> i.state == State.DEAD)
                .sorted(Comparator.comparingLong((Item i) -> i.deadAtMs).thenComparingLong(i -> i.id));
    }

    private long redriveWhere(Set<Long> ids) {
        lock.lock();
        try {
            long now = now();
            sweep(now);
            List<Item> moved = deadOldestFirst().filter(i -> ids == null || ids.contains(i.id)).toList();
            for (Item i : moved) {
                i.state = State.READY;
                i.attempt = 0;
                i.visibleAtMs = now;
                i.reason = null;
                i.deadAtMs = 0;
            }
            changed.signalAll();
            return moved.size();
        } finally {
            lock.unlock();
        }
    }

    private void checkSize(List<Enqueue> chunk) {
        for (Enqueue e : chunk) {
            Optional<String> payload = e.payloadJson();
            if (payload.isPresent() && payload.get().getBytes(StandardCharsets.UTF_8).length > maxItemBytes) {
                throw new PayloadTooLargeException("the sidecar refused the request as too large (413): an item's "
                        + "payload is larger than " + maxItemBytes + " bytes; send smaller items or pass large data "
                        + "by file reference", ProblemType.PAYLOAD_TOO_LARGE.uri());
            }
        }
    }

    private static long claimVisibilityMs(int max, Duration visibilityTimeout, Duration wait) {
        Arguments.claimMax(max);
        Arguments.waitMs(wait);
        return Arguments.visibilityMs(visibilityTimeout);
    }

    private static ReceiptStaleException stale(String operation) {
        return new ReceiptStaleException(operation, new ConflictException("conflict (409): " + STALE_DETAIL,
                ProblemType.RECEIPT_STALE.uri(), null));
    }

    private static BatchOutcome ok(String receipt, NackOutcome.State state, Instant visibleUntil) {
        return new BatchOutcome(receipt, true, Optional.empty(), Optional.empty(), Optional.ofNullable(state),
                Optional.ofNullable(visibleUntil));
    }

    private static BatchOutcome staleOutcome(String receipt) {
        return new BatchOutcome(receipt, false, Optional.of(ProblemType.RECEIPT_STALE.uri()),
                Optional.of(STALE_BATCH_DETAIL), Optional.empty(), Optional.empty());
    }

    private static Optional<Long> parseId(String id) {
        try {
            return Optional.of(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The sidecar's receipt form: the item id and claim epoch, base64url-encoded. */
    private static String encodeReceipt(long id, long epoch) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((id + "." + epoch).getBytes(StandardCharsets.US_ASCII));
    }

    /** @return {id, epoch}, or null when the text is not a receipt this fake issued */
    private static long[] decodeReceipt(String text) {
        if (text.length() > 64) {
            return null;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
            int dot = plain.indexOf('.');
            if (dot <= 0) {
                return null;
            }
            long id = Long.parseLong(plain.substring(0, dot));
            long epoch = Long.parseLong(plain.substring(dot + 1));
            return id > 0 && epoch > 0 ? new long[] {id, epoch} : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Where an item is in its life. */
    private enum State {
        READY, INFLIGHT, ACKED, DEAD
    }

    /** One item; mutable, guarded by the queue's lock. */
    private static final class Item {
        final long id;
        final String payloadJson;
        final String fileRef;
        final String dedupKey;
        final int priority;
        final int maxAttempts;
        final long enqueuedAtMs;
        State state = State.READY;
        int attempt;
        long epoch;
        long visibleAtMs;
        long ackedAtMs;
        long deadAtMs;
        String reason;

        Item(long id, String payloadJson, String fileRef, String dedupKey, int priority, int maxAttempts,
                long enqueuedAtMs) {
            this.id = id;
            this.payloadJson = payloadJson;
            this.fileRef = fileRef;
            this.dedupKey = dedupKey;
            this.priority = priority;
            this.maxAttempts = maxAttempts;
            this.enqueuedAtMs = enqueuedAtMs;
        }

        /** Ready, or in flight with a lapsed visibility timeout and attempts left. */
        boolean claimable(long now) {
            return (state == State.READY || state == State.INFLIGHT) && visibleAtMs <= now && attempt < maxAttempts;
        }

        void die(long now, String why) {
            state = State.DEAD;
            deadAtMs = now;
            reason = why;
        }
    }

    /**
     * Settings of an {@link InMemoryWorkQueue}, each defaulting to the sidecar's default. Not thread-safe;
     * setters validate at once, as the sidecar validates its options.
     */
    public static final class Builder {
        private String name = "in-memory";
        private Clock clock = Clock.systemUTC();
        private Duration backoffBase = DEFAULT_BACKOFF_BASE;
        private Duration backoffMax = DEFAULT_BACKOFF_MAX;
        private Duration dedupWindow = DEFAULT_DEDUP_WINDOW;
        private int defaultMaxAttempts = DEFAULT_MAX_ATTEMPTS;
        private long maxItemBytes = DEFAULT_MAX_ITEM_BYTES;

        private Builder() {
        }

        /**
         * @param name 1 to 128 letters, digits, {@code .}, {@code _} and {@code -}; default {@code in-memory}
         * @return this builder
         * @throws IllegalArgumentException when the name is not allowed
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!NameRule.QUEUE.matches(name)) {
                throw new IllegalArgumentException(NameRule.QUEUE.rejection(name));
            }
            this.name = name;
            return this;
        }

        /**
         * @param clock the clock for visibility, delays, backoff and the dedup window; a {@link ManualClock}
         *     in tests that move time; default the system UTC clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param base the first nack backoff, 1 ms to 1 day; doubles per attempt (default 1 s)
         * @param max the longest nack backoff, at least {@code base} (default 5 min)
         * @return this builder
         * @throws IllegalArgumentException when a value is out of range
         */
        public Builder backoff(Duration base, Duration max) {
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(max, "max");
            if (base.toMillis() < 1 || base.toMillis() > MAX_BACKOFF_BASE_MS) {
                throw new IllegalArgumentException("backoff base must be 1ms to 1d, got " + base);
            }
            if (max.compareTo(base) < 0) {
                throw new IllegalArgumentException("backoff max must not be less than the base, got " + max + " < " + base);
            }
            this.backoffBase = base;
            this.backoffMax = max;
            return this;
        }

        /**
         * @param window how long an acked item keeps deduplicating its key, not negative (default 5 min)
         * @return this builder
         */
        public Builder dedupWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException("dedup window must not be negative, got " + window);
            }
            this.dedupWindow = window;
            return this;
        }

        /**
         * @param maxAttempts {@code maxAttempts} of items that do not say, 1 to 1000 (default 5)
         * @return this builder
         */
        public Builder defaultMaxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 1000) {
                throw new IllegalArgumentException("default max attempts must be 1 to 1000, got " + maxAttempts);
            }
            this.defaultMaxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param bytes the largest serialised JSON payload, at least 1 (default 256 KiB)
         * @return this builder
         */
        public Builder maxItemBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max item bytes must be at least 1, got " + bytes);
            }
            this.maxItemBytes = bytes;
            return this;
        }

        /** @return a new, empty queue with these settings */
        public InMemoryWorkQueue build() {
            return new InMemoryWorkQueue(this);
        }
    }
}
