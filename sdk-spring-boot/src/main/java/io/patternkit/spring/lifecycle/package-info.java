/**
 * The lifecycle's one drain ({@link io.patternkit.lifecycle.Lifecycle}) run by Spring's graceful shutdown.
 */
package io.patternkit.spring.lifecycle;
