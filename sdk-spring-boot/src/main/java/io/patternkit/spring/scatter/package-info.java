/**
 * Scatter/gather in a Spring application: {@link io.patternkit.spring.scatter.ScatterLeafHandler} methods served as
 * leaves of a pool, registered with the root sidecar and leaving the pool when the context stops.
 */
package io.patternkit.spring.scatter;
