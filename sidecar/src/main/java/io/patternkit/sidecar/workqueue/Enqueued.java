package io.patternkit.sidecar.workqueue;

/**
 * The result of enqueueing one item.
 *
 * @param id the item's id (the existing item's when a duplicate)
 * @param duplicate true when the dedup key matched an existing item and nothing was enqueued
 */
public record Enqueued(long id, boolean duplicate) {
}
