package io.patternkit.samples.indexing;

import io.patternkit.testing.AppProcess;

/**
 * How a worker replica drained when it and its sidecar got SIGTERM at the same moment, from the
 * worker's {@code DRAINED} event line.
 *
 * @param completed items whose handlers finished (and were acked) after the notice
 * @param released items given back to the queue at once, for another worker to claim
 * @param stranded items that could not be given back and wait out their visibility timeout; must be 0
 * @param tookMs how long the drain took
 * @param deadlineMs the drain's deadline
 * @param sidecarExit the sidecar's exit status (143 after a clean drain on SIGTERM)
 */
record WorkerDrain(long completed, long released, long stranded, long tookMs, long deadlineMs, int sidecarExit) {
    static WorkerDrain of(AppProcess.Event drained, int sidecarExit) {
        return new WorkerDrain(drained.number("completed"), drained.number("released"), drained.number("stranded"),
                drained.number("tookMs"), drained.number("deadlineMs"), sidecarExit);
    }
}
