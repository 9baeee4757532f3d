package io.patternkit.sidecar.workqueue;

import io.patternkit.sidecar.workqueue.exec.ExecSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * What the work-queue pattern is configured with, beyond the host and the engine. Immutable.
 *
 * @param maxItemBytes the largest serialised payload of one item, in bytes
 * @param backoffBase the first nack backoff delay
 * @param backoffMax the longest nack backoff delay
 * @param dedupWindow how long acked items keep deduplicating
 * @param defaultMaxAttempts the {@code maxAttempts} of items that do not say
 * @param exec the command run per item of a queue, or empty when the sidecar runs none
 */
public record WorkQueueSettings(long maxItemBytes, Duration backoffBase, Duration backoffMax, Duration dedupWindow,
                                int defaultMaxAttempts, Optional<ExecSettings> exec) {

    /** Names the program of {@code exec} only: its arguments may carry secrets. */
    @Override
    public String toString() {
        return "WorkQueueSettings[maxItemBytes=" + maxItemBytes + ", backoffBase=" + backoffBase + ", backoffMax="
                + backoffMax + ", dedupWindow=" + dedupWindow + ", defaultMaxAttempts=" + defaultMaxAttempts
                + ", exec=" + exec.map(e -> e.queue() + " -> " + e.command().get(0)).orElse("none") + "]";
    }
}
