package io.patternkit.workqueue;

/**
 * What a {@link WorkQueueConsumer#drain(java.time.Duration)} achieved.
 *
 * @param completed handler calls that finished (and were settled) after the drain began, within the grace
 * @param released unfinished items given back to the queue at once (nack with delay 0) when the grace ran out
 * @param stranded unfinished items that could not be given back (the sidecar did not answer, or the
 *     receipt was already stale); they return after their visibility timeout. Zero when the sidecar
 *     outlives its app's drain, as a Patternkit sidecar does
 */
public record DrainResult(int completed, int released, int stranded) {
}
