package io.patternkit.sidecar.workqueue;

/**
 * A delivery of an item: its id and claim epoch. Each claim increments the item's epoch, so only
 * the latest delivery's receipt matches (SQS receipt handles); {@link ReceiptCodec} writes and reads
 * its signed wire form.
 *
 * @param id the item id
 * @param epoch the claim epoch the receipt was issued for
 */
public record Receipt(long id, long epoch) {
}
