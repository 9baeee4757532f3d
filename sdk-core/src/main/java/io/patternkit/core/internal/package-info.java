/**
 * Implementation of the Patternkit SDK core: the HTTP transport, JSON mapping and problem mapping.
 * The public classes here are for the other Patternkit SDK modules only; applications must not use
 * them, and they change without notice.
 */
package io.patternkit.core.internal;
