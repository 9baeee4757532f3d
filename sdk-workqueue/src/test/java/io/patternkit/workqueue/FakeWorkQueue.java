package io.patternkit.workqueue;

import io.patternkit.core.ConflictException;
import io.patternkit.core.SidecarUnavailableException;
import io.patternkit.protocol.ProblemType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An in-memory queue for consumer tests: claims long-poll on a monitor, receipts are fresh per delivery,
 * nacks with backoff park the item (never redelivered), nacks with delay 0 make it ready again. Visibility
 * timeouts never lapse. Records every settlement for assertions.
 */
final class FakeWorkQueue implements WorkQueue {
    record Settled(String op, String itemId, Nack nack) {
    }

    private final Deque<WorkItem> ready = new ArrayDeque<>();
    /** What the sidecar hands over when a long-poll is ended early (the caller interrupted), after {@link #endEarlyTakes}. */
    private final Deque<WorkItem> endEarlyItems = new ArrayDeque<>();
    private Duration endEarlyTakes = Duration.ZERO;
    private final Map<String, WorkItem> inFlight = new HashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger receipts = new AtomicInteger();
    final List<Settled> settled = new CopyOnWriteArrayList<>();
    final AtomicInteger extensions = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger claims = new AtomicInteger();
    /** Claims waiting in a long-poll right now. */
    final AtomicInteger parkedClaims = new AtomicInteger();
    /** The {@code max} each claim asked for, in call order. */
    final List<Integer> claimMaxes = new CopyOnWriteArrayList<>();
    volatile Supplier<RuntimeException> claimFailure;
    volatile boolean ackIsStale;
    /** When set, the first ackAll call waits for it before acking. */
    volatile CountDownLatch firstAckGate;
    final AtomicInteger ackCallsStarted = new AtomicInteger();
    /** The number of receipts in each ackAll call, in call order. */
    final List<Integer> acksPerCall = new CopyOnWriteArrayList<>();
    /** The number of receipts each ackAndClaim carried, in call order (a claim carrying none is a claim). */
    final List<Integer> acksOnClaims = new CopyOnWriteArrayList<>();

    synchronized String add(String payloadJson, String fileRef) {
        String id = "i" + ids.incrementAndGet();
        ready.add(new WorkItem(id, "none", 0, 5, payloadJson, fileRef, null, 0, Instant.EPOCH, Instant.EPOCH));
        notifyAll();
        return id;
    }

    /**
     * Makes the next long-poll that its caller interrupts answer, as the sidecar's end-early call does, with items
     * claimed meanwhile, after {@code takes} (the round trip of that call).
     */
    synchronized void answerEndEarlyWith(Duration takes, String... payloads) {
        endEarlyTakes = takes;
        for (String payload : payloads) {
            endEarlyItems.add(new WorkItem("i" + ids.incrementAndGet(), "none", 0, 5, payload, null, null, 0,
                    Instant.EPOCH, Instant.EPOCH));
        }
    }

    synchronized int readyCount() {
        return ready.size();
    }

    List<String> ops(String op) {
        return settled.stream().filter(s -> s.op().equals(op)).map(Settled::itemId).toList();
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public synchronized EnqueueResult enqueue(Enqueue item) {
        return new EnqueueResult(add(item.payloadJson().orElse(null), item.fileRef().orElse(null)), false);
    }

    @Override
    public CompletableFuture<EnqueueResult> enqueueAsync(Enqueue item) {
        return CompletableFuture.completedFuture(enqueue(item));
    }

    @Override
    public List<EnqueueResult> enqueueAll(List<Enqueue> items) {
        return items.stream().map(this::enqueue).toList();
    }

    @Override
    public synchronized List<WorkItem> claim(int max, Duration visibilityTimeout, Duration wait) {
        claims.incrementAndGet();
        claimMaxes.add(max);
        Supplier<RuntimeException> failure = claimFailure;
        if (failure != null) {
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (ready.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return List.of();
            }
            parkedClaims.incrementAndGet();
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                List<WorkItem> late = endEarly(max, visibilityTimeout);
                Thread.currentThread().interrupt();
                return late;
            } finally {
                parkedClaims.decrementAndGet();
            }
        }
        return deliver(ready, max, visibilityTimeout);
    }

    /** The end-early call's answer: after its round trip (the monitor free meanwhile), what it hands over. */
    private List<WorkItem> endEarly(int max, Duration visibilityTimeout) {
        long answerAt = System.nanoTime() + endEarlyTakes.toNanos();
        for (long left = endEarlyTakes.toNanos(); left > 0; left = answerAt - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException again) {
                // the call is under way: its answer comes whatever the caller does meanwhile
            }
        }
        return deliver(endEarlyItems, max, visibilityTimeout);
    }

    private List<WorkItem> deliver(Deque<WorkItem> from, int max, Duration visibilityTimeout) {
        List<WorkItem> out = new ArrayList<>();
        while (out.size() < max && !from.isEmpty()) {
            WorkItem w = from.poll();
            WorkItem d = new WorkItem(w.id(), "r" + receipts.incrementAndGet(), w.attempt() + 1, w.maxAttempts(),
                    w.payloadJson().orElse(null), w.fileRef().orElse(null), null, 0, w.enqueuedAt(),
                    Instant.now().plus(visibilityTimeout));
            inFlight.put(d.receipt(), d);
            out.add(d);
        }
        maxInFlight.accumulateAndGet(inFlight.size(), Math::max);
        return out;
    }

    @Override
    public CompletableFuture<List<WorkItem>> claimAsync(int max, Duration visibilityTimeout, Duration wait) {
        return CompletableFuture.supplyAsync(() -> claim(max, visibilityTimeout, wait));
    }

    @Override
    public synchronized void ack(String receipt) {
        if (ackIsStale) {
            throw new ReceiptStaleException("ack", new ConflictException("stale", ProblemType.RECEIPT_STALE.uri(), null));
        }
        settled.add(new Settled("ack", take(receipt).id(), null));
    }

    @Override
    public synchronized NackOutcome nack(String receipt, Nack how) {
        WorkItem item = take(receipt);
        settled.add(new Settled("nack", item.id(), how));
        if (how.isDeadLetter()) {
            return new NackOutcome(NackOutcome.State.DEAD, Optional.empty());
        }
        if (how.delay().map(Duration::isZero).orElse(false)) {
            ready.addFirst(item);
            notifyAll();
            return new NackOutcome(NackOutcome.State.READY, Optional.of(Instant.now()));
        }
        return new NackOutcome(NackOutcome.State.DELAYED, Optional.of(Instant.now().plusSeconds(60)));
    }

    @Override
    public synchronized Instant extend(String receipt, Duration visibilityTimeout) {
        extensions.incrementAndGet();
        return Instant.now().plus(visibilityTimeout);
    }

    @Override
    public List<BatchOutcome> ackAll(List<String> receipts) {
        CountDownLatch gate = firstAckGate;
        if (gate != null && ackCallsStarted.getAndIncrement() == 0) {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ackAllNow(receipts);
    }

    /** Acks, then claims, as the sidecar does in one call; the acks are counted apart from ackAll's. */
    @Override
    public AckedAndClaimed ackAndClaim(List<String> receipts, int max, Duration visibilityTimeout, Duration wait) {
        acksOnClaims.add(receipts.size());
        List<BatchOutcome> acks = acked(receipts);
        return new AckedAndClaimed(acks, claim(max, visibilityTimeout, wait));
    }

    private synchronized List<BatchOutcome> ackAllNow(List<String> receipts) {
        acksPerCall.add(receipts.size());
        return acked(receipts);
    }

    private synchronized List<BatchOutcome> acked(List<String> receipts) {
        return receipts.stream().map(r -> {
            if (ackIsStale) {
                return new BatchOutcome(r, false, Optional.of(ProblemType.RECEIPT_STALE.uri()), Optional.of("stale"),
                        Optional.empty(), Optional.empty());
            }
            settled.add(new Settled("ack", take(r).id(), null));
            return new BatchOutcome(r, true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }).toList();
    }

    @Override
    public synchronized List<BatchOutcome> nackAll(List<String> receipts, Nack how) {
        if (Thread.currentThread().isInterrupted()) { // as the HTTP client refuses I/O on an interrupted thread
            throw new SidecarUnavailableException("interrupted", 0, null, null, null);
        }
        return receipts.stream().map(r -> {
            NackOutcome o = nack(r, how);
            return new BatchOutcome(r, true, Optional.empty(), Optional.empty(), Optional.of(o.state()),
                    Optional.empty());
        }).toList();
    }

    @Override
    public synchronized List<BatchOutcome> extendAll(List<String> receipts, Duration visibilityTimeout) {
        return receipts.stream().map(r -> new BatchOutcome(r, inFlight.containsKey(r), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(extend(r, visibilityTimeout)))).toList();
    }

    @Override
    public QueueStats stats() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long redrive(List<String> ids) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long redriveAll() {
        throw new UnsupportedOperationException();
    }

    private WorkItem take(String receipt) {
        WorkItem item = inFlight.remove(receipt);
        if (item == null) {
            throw new ReceiptStaleException("settle", new ConflictException("stale", ProblemType.RECEIPT_STALE.uri(),
                    null));
        }
        return item;
    }
}
