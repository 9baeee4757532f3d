/**
 * Patternkit work queue: a typed client of the work-queue sidecar ({@link io.patternkit.workqueue.WorkQueueClient},
 * {@link io.patternkit.workqueue.WorkQueue}) with SQS semantics (visibility timeout, receipts, at-least-once
 * delivery, dead-letter queue with redrive), and a managed consumer ({@link io.patternkit.workqueue.WorkQueueConsumer})
 * that claims in batches, runs a {@link io.patternkit.workqueue.WorkHandler} with bounded concurrency, acks,
 * nacks, extends visibility and drains gracefully. {@link io.patternkit.workqueue.FileStage} is the
 * file-to-file worker of the Burns and Oppenheimer work-queue pattern.
 */
package io.patternkit.workqueue;
