package io.patternkit.bench.scatter;

/**
 * One way of fanning a {@link LeafWork} out to every shard of a pool and gathering the parts, for the
 * overhead comparison. Implementations are driven from one thread, one call at a time.
 */
interface FanOut extends AutoCloseable {
    /** @return the name shown in the tables */
    String name();

    /**
     * Fans out once, blocking until every part is in.
     *
     * @param pool the pool
     * @param work the request
     * @return the slowest part's own service time, in nanoseconds
     * @throws IllegalStateException when a shard did not answer
     */
    long call(String pool, LeafWork work);

    @Override
    void close();
}
