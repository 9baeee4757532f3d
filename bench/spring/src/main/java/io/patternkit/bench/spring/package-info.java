/**
 * The Spring Boot starter's cost: {@link io.patternkit.bench.spring.SpringBench} measures start-up and heap with and
 * without Patternkit's auto-configuration, and {@code @WorkQueueListener} throughput against the plain
 * {@link io.patternkit.workqueue.WorkQueueConsumer}, on one sidecar in one run.
 */
package io.patternkit.bench.spring;
