package io.patternkit.workqueue;

import java.util.Objects;

/**
 * The answer to one enqueue.
 *
 * @param id the item's id (opaque); never null. For a duplicate, the id of the existing item.
 * @param duplicate true when the dedup key matched an existing item and nothing was enqueued
 */
public record EnqueueResult(String id, boolean duplicate) {
    /**
     * Checks that the components are present.
     *
     * @param id see {@link #id()}
     * @param duplicate see {@link #duplicate()}
     */
    public EnqueueResult {
        Objects.requireNonNull(id, "id");
    }
}
