package io.patternkit.spring.scatter;

import io.patternkit.scatter.LeafHandler;

/**
 * Where the context's {@link ScatterLeafHandler} methods are served instead of the root sidecar: a bean of this type
 * takes them all. {@link io.patternkit.spring.test.EnablePatternkitFakes} declares one that makes them leaves of the
 * in-memory scatter, so that a test's scatter reaches the application's own leaf code.
 */
@FunctionalInterface
public interface LeafTarget {
    /**
     * Serves one method as a leaf.
     *
     * @param pool the pool
     * @param shard the shard
     * @param requestType the type the request is read as
     * @param handler the method
     * @return what stops serving it, called when the context stops
     */
    AutoCloseable serve(String pool, String shard, Class<Object> requestType, LeafHandler<Object, Object> handler);
}
