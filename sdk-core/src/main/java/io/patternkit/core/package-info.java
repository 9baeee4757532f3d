/**
 * Patternkit SDK core: sidecar configuration and discovery ({@link io.patternkit.core.SidecarConfig}),
 * the typed unchecked exceptions every pattern client throws (rooted at
 * {@link io.patternkit.core.PatternkitException}), and the client metric names
 * ({@link io.patternkit.core.ClientMetrics}), and the in-app management server
 * ({@link io.patternkit.core.ManagementServer}) through which sidecars call into the application.
 */
package io.patternkit.core;
