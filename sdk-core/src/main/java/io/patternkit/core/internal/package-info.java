/**
 * Implementation of the Patternkit SDK core: the HTTP transport, JSON mapping, problem
 * mapping, API-token rules and the embedded (Vert.x core) server behind the management server.
 * The public classes here are for the other Patternkit SDK modules only; applications must not use
 * them, and they change without notice.
 */
package io.patternkit.core.internal;
