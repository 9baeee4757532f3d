package io.patternkit.sidecar.workqueue;

/**
 * A validated claim (SQS ReceiveMessage).
 *
 * @param max most items to claim, 1 to 1000
 * @param visibilityMs visibility timeout in milliseconds, 1 to 43 200 000
 * @param waitMs long-poll time in milliseconds, 0 to 20 000
 */
public record ClaimRequest(int max, long visibilityMs, long waitMs) {
}
