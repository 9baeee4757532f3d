package io.patternkit.scatter;

/**
 * The application's code for one shard: turns a scatter request into this shard's part. Called by the
 * SDK on a {@link io.patternkit.management.ManagementServer} worker thread, concurrently for concurrent
 * scatters; it may block. It should watch {@link LeafContext#isCancelled()} (or
 * {@link LeafContext#whenCancelled()}) and stop early when the root no longer wants the answer, and
 * should finish within {@link LeafContext#remaining()}.
 *
 * @param <Q> the request type (read from JSON)
 * @param <P> the part type (written as JSON)
 */
@FunctionalInterface
public interface LeafHandler<Q, P> {
    /**
     * @param request the scatter's request, read as {@code Q}
     * @param context pool, shard, scatter id, attempt, remaining budget and cancellation
     * @return this shard's part; serialised with Jackson (null becomes JSON {@code null})
     * @throws Exception any failure: the leaf answers 500 {@code urn:patternkit:problem:leaf-failed} whose
     *     detail names only the exception class (the message, which may hold data, goes to the application's
     *     log at WARN); the root records the attempt as failed and may fail over to another replica, else
     *     the shard is {@link ShardStatus#FAILED}. Once the budget has passed, the leaf answers 504
     *     {@code deadline-exceeded} instead, whether the handler returned or threw.
     */
    P handle(Q request, LeafContext context) throws Exception;
}
