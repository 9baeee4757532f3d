/**
 * What every Patternkit HTTP server does when strangers can reach it, kept once for the sidecar and the SDK's
 * in-app management server (both on Vert.x core): {@link io.patternkit.server.security.TlsFiles} and
 * {@link io.patternkit.server.security.CertificateReloader} serve TLS from PEM files and pick up a rotated
 * certificate without a restart; {@link io.patternkit.server.security.AuthFailureLimiter} counts failed
 * authentication per remote address and refuses an address that fails too often; {@link
 * io.patternkit.server.security.Loopback} tells the pod's own connections from the network's.
 *
 * <p>Not a pattern and not the wire: neither half's public API exposes these types.
 */
package io.patternkit.server.security;
