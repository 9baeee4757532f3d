package io.patternkit.workqueue.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.core.ConflictException;
import io.patternkit.core.ProtocolException;
import io.patternkit.core.internal.Problems;
import io.patternkit.core.internal.SidecarCall;
import io.patternkit.core.internal.Transport;
import io.patternkit.protocol.ItemState;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import io.patternkit.protocol.WireName;
import io.patternkit.workqueue.AckedAndClaimed;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** {@link WorkQueue} over HTTP, through the shared {@link Transport}. Internal. */
public final class HttpWorkQueue implements WorkQueue {
    private static final int REDRIVE_ALL_MAX = 100_000;

    private final Transport transport;
    private final String name;
    private final String base;

    /**
     * @param transport the client's transport
     * @param name a valid queue name
     */
    public HttpWorkQueue(Transport transport, String name) {
        this.transport = transport;
        this.name = name;
        this.base = "/v1/queues/" + name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EnqueueResult enqueue(Enqueue item) {
        return transport.execute(enqueueCall(item), EnqueueResult.class);
    }

    @Override
    public CompletableFuture<EnqueueResult> enqueueAsync(Enqueue item) {
        return transport.executeAsync(enqueueCall(item), EnqueueResult.class);
    }

    @Override
    public List<EnqueueResult> enqueueAll(List<Enqueue> items) {
        return Arguments.chunked(items, chunk -> {
            List<Dto.EnqueueRequest> wire = chunk.stream().map(HttpWorkQueue::toWire).toList();
            boolean idempotent = chunk.stream().allMatch(e -> e.dedupKey().isPresent());
            Dto.EnqueueBatchResult r = transport.execute(SidecarCall.post("enqueueBatch", base + "/items/batch",
                    new Dto.EnqueueBatchRequest(wire), idempotent), Dto.EnqueueBatchResult.class);
            return sized(r.results(), chunk.size(), "enqueueBatch", "results");
        });
    }

    @Override
    public List<WorkItem> claim(int max, Duration visibilityTimeout, Duration wait) {
        return toItems(transport.execute(claimCall(max, visibilityTimeout, wait, List.of()), Dto.ClaimResult.class));
    }

    @Override
    public CompletableFuture<List<WorkItem>> claimAsync(int max, Duration visibilityTimeout, Duration wait) {
        return transport.executeAsync(claimCall(max, visibilityTimeout, wait, List.of()), Dto.ClaimResult.class)
                .thenApply(HttpWorkQueue::toItems);
    }

    @Override
    public AckedAndClaimed ackAndClaim(List<String> receipts, int max, Duration visibilityTimeout, Duration wait) {
        Objects.requireNonNull(receipts, "receipts");
        // The last call's worth rides on the claim (1 to 1000 receipts); any before it go as ack calls of their own.
        int riding = receipts.isEmpty() ? 0 : (receipts.size() - 1) % Wire.MAX_BATCH + 1;
        List<BatchOutcome> acks = new ArrayList<>(ackAll(receipts.subList(0, receipts.size() - riding)));
        List<String> ack = Arguments.receipts(receipts.subList(receipts.size() - riding, receipts.size()));
        Dto.ClaimResult r = transport.execute(claimCall(max, visibilityTimeout, wait, ack), Dto.ClaimResult.class);
        if (!ack.isEmpty()) {
            acks.addAll(outcomes(r.acks(), ack.size(), "claim", "acks"));
        }
        return new AckedAndClaimed(acks, toItems(r));
    }

    @Override
    public void ack(String receipt) {
        SidecarCall call = SidecarCall.post("ack", base + "/ack", new Dto.AckRequest(Arguments.receipt(receipt)), true);
        stale("ack", () -> transport.execute(call, Void.class));
    }

    @Override
    public NackOutcome nack(String receipt, Nack how) {
        SidecarCall call = SidecarCall.post("nack", base + "/nack", toWire(Arguments.receipt(receipt), how), false);
        Dto.NackResult r = stale("nack", () -> transport.execute(call, Dto.NackResult.class));
        return new NackOutcome(state(r.state(), "nack"), Optional.ofNullable(r.visibleAt()));
    }

    @Override
    public Instant extend(String receipt, Duration visibilityTimeout) {
        SidecarCall call = SidecarCall.post("extend", base + "/extend",
                new Dto.ExtendRequest(Arguments.receipt(receipt), Arguments.visibilityMs(visibilityTimeout)), true);
        return present(stale("extend", () -> transport.execute(call, Dto.ExtendResult.class)).visibleUntil(),
                "extend", "visibleUntil");
    }

    @Override
    public List<BatchOutcome> ackAll(List<String> receipts) {
        return Arguments.chunked(receipts, chunk -> outcomes(SidecarCall.post("ackBatch", base + "/ack/batch",
                new Dto.AckBatchRequest(Arguments.receipts(chunk)), true), chunk.size()));
    }

    @Override
    public List<BatchOutcome> nackAll(List<String> receipts, Nack how) {
        Objects.requireNonNull(how, "how");
        return Arguments.chunked(receipts, chunk -> outcomes(SidecarCall.post("nackBatch", base + "/nack/batch",
                new Dto.NackBatchRequest(Arguments.receipts(chunk).stream().map(r -> toWire(r, how)).toList()), false),
                chunk.size()));
    }

    @Override
    public List<BatchOutcome> extendAll(List<String> receipts, Duration visibilityTimeout) {
        long ms = Arguments.visibilityMs(visibilityTimeout);
        return Arguments.chunked(receipts, chunk -> outcomes(SidecarCall.post("extendBatch", base + "/extend/batch",
                new Dto.ExtendBatchRequest(Arguments.receipts(chunk).stream().map(r -> new Dto.ExtendRequest(r, ms)).toList()),
                true), chunk.size()));
    }

    @Override
    public QueueStats stats() {
        Dto.Stats s = transport.execute(SidecarCall.get("stats", base + "/stats"), Dto.Stats.class);
        return new QueueStats(s.ready(), s.delayed(), s.inFlight(), s.dead(), s.acked(),
                Duration.ofMillis(s.oldestReadyAgeMs()));
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
        Arguments.deadLetterLimit(limit);
        Dto.DeadLetterList list = transport.execute(
                SidecarCall.get("listDeadLetters", base + "/dead-letters?limit=" + limit), Dto.DeadLetterList.class);
        return present(list.items(), "listDeadLetters", "items").stream()
                .map(d -> new DeadLetter(d.id(), Optional.ofNullable(json(d.payload())),
                        Optional.ofNullable(d.fileRef()), Optional.ofNullable(d.dedupKey()), d.attempts(),
                        Objects.requireNonNullElse(d.reason(), ""), present(d.enqueuedAt(), "listDeadLetters",
                        "enqueuedAt"), present(d.deadAt(), "listDeadLetters", "deadAt")))
                .toList();
    }

    @Override
    public long redrive(List<String> ids) {
        return redrive(new Dto.RedriveRequest(Arguments.redriveIds(ids), null));
    }

    @Override
    public long redriveAll() {
        long total = 0;
        long moved;
        do {
            moved = redrive(new Dto.RedriveRequest(null, REDRIVE_ALL_MAX));
            total += moved;
        } while (moved >= REDRIVE_ALL_MAX);
        return total;
    }

    private long redrive(Dto.RedriveRequest request) {
        return transport.execute(SidecarCall.post("redrive", base + "/dead-letters/redrive", request, false),
                Dto.RedriveResult.class).redriven();
    }

    private SidecarCall enqueueCall(Enqueue item) {
        Objects.requireNonNull(item, "item");
        return SidecarCall.post("enqueue", base + "/items", toWire(item), item.dedupKey().isPresent());
    }

    /** A long-poll is named, so that an interrupt ends it through the sidecar and loses none of its items. */
    private SidecarCall claimCall(int max, Duration visibilityTimeout, Duration wait, List<String> ack) {
        long waitMs = Arguments.waitMs(wait);
        String claimId = waitMs == 0 ? null : UUID.randomUUID().toString();
        SidecarCall claim = SidecarCall.post("claim", base + "/claim", new Dto.ClaimRequest(Arguments.claimMax(max),
                Arguments.visibilityMs(visibilityTimeout), waitMs, claimId, ack.isEmpty() ? null : ack), false)
                .withLongPoll(wait);
        return claimId == null ? claim : claim.withEndEarly(SidecarCall.delete("endClaim", base + "/claims/" + claimId));
    }

    private List<BatchOutcome> outcomes(SidecarCall call, int expected) {
        return outcomes(transport.execute(call, Dto.BatchResult.class).results(), expected, call.operation(), "results");
    }

    private static List<BatchOutcome> outcomes(List<Dto.Outcome> answered, int expected, String operation,
            String field) {
        return sized(answered, expected, operation, field).stream().map(o -> new BatchOutcome(
                present(o.receipt(), operation, "receipt"), o.ok(),
                Optional.ofNullable(o.problem()).map(Dto.Problem::type),
                Optional.ofNullable(o.problem()).map(p -> p.detail() != null ? p.detail() : p.title()),
                Optional.ofNullable(o.state()).map(s -> state(s, operation)),
                Optional.ofNullable(o.visibleUntil()))).toList();
    }

    private static List<WorkItem> toItems(Dto.ClaimResult r) {
        return present(r.items(), "claim", "items").stream().map(i -> new WorkItem(present(i.id(), "claim", "id"),
                present(i.receipt(), "claim", "receipt"), i.attempt(), i.maxAttempts(), json(i.payload()),
                i.fileRef(), i.dedupKey(), i.priority() == null ? 0 : i.priority(),
                present(i.enqueuedAt(), "claim", "enqueuedAt"), present(i.visibleUntil(), "claim", "visibleUntil")))
                .toList();
    }

    private static Dto.EnqueueRequest toWire(Enqueue e) {
        return new Dto.EnqueueRequest(e.payloadJson().orElse(null), e.fileRef().orElse(null),
                e.dedupKey().orElse(null), e.delay().map(Duration::toMillis).orElse(null),
                e.priority() == 0 ? null : e.priority(),
                e.maxAttempts().isPresent() ? e.maxAttempts().getAsInt() : null);
    }

    private static Dto.NackRequest toWire(String receipt, Nack how) {
        Objects.requireNonNull(how, "how");
        return new Dto.NackRequest(receipt, how.delay().map(Duration::toMillis).orElse(null),
                how.isDeadLetter() ? Boolean.TRUE : null, how.reason().orElse(null));
    }

    private static <T> T stale(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (ConflictException e) {
            if (ProblemType.RECEIPT_STALE.slug().equals(Problems.slug(e))) {
                throw new ReceiptStaleException(operation, e);
            }
            throw e;
        }
    }

    private static NackOutcome.State state(String state, String operation) {
        return WireName.fromWire(ItemState.class, present(state, operation, "state"))
                .map(wire -> NackOutcome.State.valueOf(wire.name()))
                .orElseThrow(() -> new ProtocolException(operation + ": unknown item state '" + state + "' from the sidecar",
                        200, null, null));
    }

    private static String json(JsonNode payload) {
        return payload == null ? null : payload.toString();
    }

    private static <T> List<T> sized(List<T> results, int expected, String operation, String field) {
        if (present(results, operation, field).size() != expected) {
            throw new ProtocolException(operation + ": the sidecar answered " + results.size() + " " + field + " for "
                    + expected + " elements", 200, null, null);
        }
        return results;
    }

    private static <T> T present(T value, String operation, String field) {
        if (value == null) {
            throw new ProtocolException(operation + ": the sidecar's answer lacks the required field '" + field + "'",
                    200, null, null);
        }
        return value;
    }
}
