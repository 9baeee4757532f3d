package io.patternkit.workqueue;

/**
 * What a {@link WorkQueueConsumer#drain(java.time.Duration)} achieved.
 *
 * @param completed handler calls that finished (and were settled) after the drain began, within the grace
 * @param released unfinished items given back to the queue at once (nack with delay 0) when the grace ran out
 */
public record DrainResult(int completed, int released) {
}
