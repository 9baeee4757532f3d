/**
 * The in-app management server ({@link io.patternkit.management.ManagementServer}) through which
 * sidecars call into the application: scatter/gather leaf calls today, the single-container
 * management API next. Loopback by default, bearer token when set, RFC 9457 problems; the only
 * SDK module with an HTTP server (Vert.x core, kept out of every public signature).
 */
package io.patternkit.management;
