package io.patternkit.scatter;

/**
 * The code of a merge container: combines the answered parts of one scatter into the answer the root
 * returns as {@code merged} (the paper's scatter/gather "merge" container, reused across roots and
 * languages). Served by {@link MergeContainer}; called once per scatter that names the container's URL in
 * {@link ScatterOptions#mergeUrl()}, on a worker thread of the management server, possibly for several
 * scatters at once.
 *
 * @param <Q> the scatter request type
 * @param <P> the part type
 * @param <R> the merged type (any value Jackson can serialise)
 */
@FunctionalInterface
public interface MergeHandler<Q, P, R> {
    /**
     * @param input the pool, scatter id, request and the answered parts in arrival order; not null
     * @return the merged answer; null is sent as JSON {@code null}
     * @throws Exception when the parts cannot be merged: the container answers 500 {@code merge-failed} and
     *     the root reports the scatter's {@code mergeError} (its parts are still gathered)
     */
    R merge(MergeInput<Q, P> input) throws Exception;
}
