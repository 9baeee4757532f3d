package io.patternkit.workqueue;

/**
 * Counts of a {@link WorkQueueConsumer} since it started; a snapshot.
 *
 * @param processed handler calls that returned normally
 * @param failed handler calls that threw something other than {@link PoisonItemException}
 * @param deadLettered items dead-lettered (poison, or the sidecar reported the attempts used up)
 * @param redeliveriesSeen deliveries with attempt greater than 1
 * @param extensions successful visibility extensions
 * @param staleReceipts acks or nacks refused as stale (the item had been redelivered)
 * @param inFlight items being handled now
 */
public record ConsumerStats(long processed, long failed, long deadLettered, long redeliveriesSeen, long extensions,
        long staleReceipts, int inFlight) {
}
