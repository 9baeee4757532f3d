package io.patternkit.sidecar.workqueue;

/**
 * A validated nack of one receipt.
 *
 * @param receipt the wire receipt, never null
 * @param command what to do with the item, never null
 */
public record NackRequest(String receipt, NackCommand command) {
}
