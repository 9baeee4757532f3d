package io.patternkit.sidecar.workqueue;

import io.patternkit.protocol.ItemState;

/**
 * Where a nacked item went.
 *
 * @param state ready, delayed or dead
 * @param visibleAtMs when it will be visible again in epoch milliseconds, or null when dead
 */
public record NackOutcome(ItemState state, Long visibleAtMs) {
}
