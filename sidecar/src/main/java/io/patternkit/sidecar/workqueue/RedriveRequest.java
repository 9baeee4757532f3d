package io.patternkit.sidecar.workqueue;

import java.util.List;

/**
 * A validated redrive (SQS StartMessageMoveTask).
 *
 * @param ids the dead items to move back, or null for all; ids this sidecar never issued are dropped
 * @param max most items to move, 1 to 100 000
 */
public record RedriveRequest(List<Long> ids, int max) {
}
