/**
 * The adapter pattern (Burns and Oppenheimer, HotCloud 2016, section 4.3) as a module of the
 * sidecar: the world sees every app the same way, whatever it is. First part: health, from checks
 * the adapter runs against the app (HTTP, TCP, a command, a JDBC query) with Kubernetes probe
 * semantics, served as the standard liveness and readiness endpoints. Imports no other pattern's
 * package.
 */
package io.patternkit.sidecar.adapter;
