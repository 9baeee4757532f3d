package io.patternkit.scatter;

/**
 * Scatter/gather from the root's side: fan one request out to every shard of a pool, gather the
 * parts within a deadline, and merge them. Implemented over HTTP by {@link ScatterClient} (the root
 * sidecar does the fan-out, hedging and cancellation) and in memory by
 * {@code io.patternkit.testing.InMemoryScatter} for unit tests; application code should depend on this
 * interface.
 *
 * <p>Requests and parts travel as JSON (Jackson): {@code Q} must serialise, {@code P} and {@code R}
 * must deserialise. Thread-safe; each call blocks its thread until the scatter is over.
 */
public interface ScatterGather {
    /**
     * Scatters {@code request} to the pool's shards and merges the parts in Java as they arrive.
     *
     * @param pool the pool name, 1 to 128 letters, digits, {@code .}, {@code _} or {@code -}
     * @param request handed to every leaf as is; any value Jackson can serialise; not null
     * @param partType the type each leaf's answer is read as; not null
     * @param merger combines the parts in arrival order, on the calling thread; not null
     * @param options deadline, completion policy, hedging and subset; must not name a merge URL (use
     *     {@link #scatterMerged}); not null
     * @param <Q> the request type
     * @param <P> the part type
     * @param <R> the merged type
     * @return the result; it names every shard's outcome, and {@link GatherResult#value()} throws unless
     *     all shards answered. A part that cannot be read as {@code partType} makes its shard
     *     {@link ShardStatus#FAILED}.
     * @throws IllegalArgumentException when an argument is invalid (before anything is sent)
     * @throws io.patternkit.core.PatternkitException when the root sidecar cannot be reached or refuses the
     *     call (such as {@code InvalidRequestException}, {@code CallTimeoutException} after the deadline
     *     plus the client's call timeout, {@code ProtocolException} for an answer cut off or garbled)
     * @throws RuntimeException whatever the merger throws (the scatter is then abandoned)
     */
    <Q, P, R> GatherResult<R> scatter(String pool, Q request, Class<P> partType, Merger<P, R> merger,
            ScatterOptions options);

    /**
     * {@link #scatter(String, Object, Class, Merger, ScatterOptions)} with {@link ScatterOptions#defaults()}.
     *
     * @param pool the pool name
     * @param request handed to every leaf
     * @param partType the type each leaf's answer is read as
     * @param merger combines the parts
     * @param <Q> the request type
     * @param <P> the part type
     * @param <R> the merged type
     * @return the result
     */
    default <Q, P, R> GatherResult<R> scatter(String pool, Q request, Class<P> partType, Merger<P, R> merger) {
        return scatter(pool, request, partType, merger, ScatterOptions.defaults());
    }

    /**
     * Scatters {@code request} and lets a merge container combine the parts: the root posts
     * {@code {"pool","request","parts":[{"shard","response"}]}} to {@link ScatterOptions#mergeUrl()} and
     * returns its answer.
     *
     * @param pool the pool name
     * @param request handed to every leaf as is; not null
     * @param resultType the type the merge container's answer is read as; not null
     * @param options must name a merge URL; not null
     * @param <Q> the request type
     * @param <R> the merged type
     * @return the result; its value is the merge container's answer (null when the merge container gave
     *     none), guarded like any other by {@link GatherResult#value()}
     * @throws IllegalArgumentException when the options name no merge URL
     * @throws io.patternkit.core.PatternkitException as for {@code scatter}
     */
    <Q, R> GatherResult<R> scatterMerged(String pool, Q request, Class<R> resultType, ScatterOptions options);
}
