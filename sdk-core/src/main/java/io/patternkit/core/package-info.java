/**
 * Patternkit SDK core: sidecar configuration and discovery ({@link io.patternkit.core.SidecarConfig}),
 * the typed unchecked exceptions every pattern client throws (rooted at
 * {@link io.patternkit.core.PatternkitException}), and the client metric names
 * ({@link io.patternkit.core.ClientMetrics}). It brings no server: the in-app management server is
 * in {@code patternkit-sdk-management}.
 */
package io.patternkit.core;
