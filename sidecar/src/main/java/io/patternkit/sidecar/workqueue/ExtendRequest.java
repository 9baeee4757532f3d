package io.patternkit.sidecar.workqueue;

/**
 * A validated visibility change of one receipt (SQS ChangeMessageVisibility).
 *
 * @param receipt the wire receipt, never null
 * @param visibilityMs the new timeout from now, 1 to 43 200 000 milliseconds
 */
public record ExtendRequest(String receipt, long visibilityMs) {
}
