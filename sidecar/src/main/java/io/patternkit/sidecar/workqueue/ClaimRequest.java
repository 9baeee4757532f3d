package io.patternkit.sidecar.workqueue;

import java.util.List;

/**
 * A validated claim (SQS ReceiveMessage).
 *
 * @param max most items to claim, 1 to 1000
 * @param visibilityMs visibility timeout in milliseconds, 1 to 43 200 000
 * @param waitMs long-poll time in milliseconds, 0 to 20 000
 * @param claimId the client's name for this claim, by which it can end it early; null when unnamed
 * @param acks receipts to acknowledge before claiming, in the request's order; empty when none
 */
public record ClaimRequest(int max, long visibilityMs, long waitMs, String claimId, List<String> acks) {
    /**
     * Copies {@code acks}.
     *
     * @param max most items to claim, 1 to 1000
     * @param visibilityMs visibility timeout in milliseconds, 1 to 43 200 000
     * @param waitMs long-poll time in milliseconds, 0 to 20 000
     * @param claimId the client's name for this claim, by which it can end it early; null when unnamed
     * @param acks receipts to acknowledge before claiming, in the request's order; empty when none
     */
    public ClaimRequest {
        acks = List.copyOf(acks);
    }

    /**
     * An unnamed claim that acknowledges nothing.
     *
     * @param max most items to claim
     * @param visibilityMs visibility timeout in milliseconds
     * @param waitMs long-poll time in milliseconds
     */
    public ClaimRequest(int max, long visibilityMs, long waitMs) {
        this(max, visibilityMs, waitMs, null, List.of());
    }
}
