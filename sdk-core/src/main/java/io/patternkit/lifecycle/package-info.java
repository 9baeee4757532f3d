/**
 * Single-container management, downward: the termination notice with a deadline and the one drain that
 * runs across every pattern handle the application holds ({@link io.patternkit.lifecycle.Lifecycle},
 * {@link io.patternkit.lifecycle.DrainPhase}). The management server of {@code sdk-management} serves it
 * over HTTP at {@code /patternkit/lifecycle/drain}.
 */
package io.patternkit.lifecycle;
