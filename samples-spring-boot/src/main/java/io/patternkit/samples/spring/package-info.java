/**
 * The Spring Boot sample: a corpus indexing service on the Patternkit starter. {@link
 * io.patternkit.samples.spring.IndexerApplication} is the service (a {@code @WorkQueueListener} file stage and a
 * refresh that only the elected leader runs); {@link io.patternkit.samples.spring.SpringIndexDemo} runs two replicas
 * of it beside one sidecar on the JDK's sources and stops the leader with SIGTERM under load.
 */
package io.patternkit.samples.spring;
