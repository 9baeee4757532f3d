/**
 * Test support for Spring applications on the starter: {@link io.patternkit.spring.test.EnablePatternkitFakes} swaps
 * every sidecar client for the in-memory fakes of {@code patternkit-sdk-testing} (add it with test scope). For real
 * sidecar processes, see {@code io.patternkit.testing.Sidecar}.
 */
package io.patternkit.spring.test;
