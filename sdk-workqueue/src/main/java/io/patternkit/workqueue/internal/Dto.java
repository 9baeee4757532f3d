package io.patternkit.workqueue.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.workqueue.EnqueueResult;
import java.time.Instant;
import java.util.List;

/** The work queue's wire records, mirroring the OpenAPI schemas of the same names. Internal. */
final class Dto {
    private Dto() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EnqueueRequest(@JsonRawValue String payload, String fileRef, String dedupKey, Long delayMs,
            Integer priority, Integer maxAttempts) {
    }

    record EnqueueBatchRequest(List<EnqueueRequest> items) {
    }

    record EnqueueBatchResult(List<EnqueueResult> results) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ClaimRequest(int max, long visibilityMs, long waitMs, String claimId, List<String> ack) {
    }

    record ClaimResult(List<ClaimedItem> items, List<Outcome> acks) {
    }

    record ClaimedItem(String id, String receipt, int attempt, int maxAttempts, JsonNode payload, String fileRef,
            String dedupKey, Integer priority, Instant enqueuedAt, Instant visibleUntil) {
    }

    record AckRequest(String receipt) {
    }

    record AckBatchRequest(List<String> receipts) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record NackRequest(String receipt, Long delayMs, Boolean deadLetter, String reason) {
    }

    record NackBatchRequest(List<NackRequest> items) {
    }

    record NackResult(String state, Instant visibleAt) {
    }

    record ExtendRequest(String receipt, long visibilityMs) {
    }

    record ExtendBatchRequest(List<ExtendRequest> items) {
    }

    record ExtendResult(Instant visibleUntil) {
    }

    record BatchResult(List<Outcome> results) {
    }

    record Outcome(String receipt, boolean ok, String state, Instant visibleUntil, Problem problem) {
    }

    record Problem(String type, String title, String detail) {
    }

    record Stats(long ready, long delayed, long inFlight, long dead, long acked, long oldestReadyAgeMs) {
    }

    record DeadLetterList(List<DeadLetterItem> items) {
    }

    record DeadLetterItem(String id, JsonNode payload, String fileRef, String dedupKey, int attempts, String reason,
            Instant enqueuedAt, Instant deadAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RedriveRequest(List<String> ids, Integer max) {
    }

    record RedriveResult(long redriven) {
    }
}
