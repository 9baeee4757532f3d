package io.patternkit.core;

/**
 * What every pattern's client of a sidecar has in common: the configuration it was made from, and the sidecar's
 * readiness probe. Framework code that describes or health-checks sidecars (the Spring Boot starter's Actuator
 * support) works through this instead of naming each pattern's client.
 */
public interface SidecarClient {
    /** @return the configuration this client uses */
    SidecarConfig config();

    /**
     * Asks the sidecar's readiness probe ({@code GET /healthz/ready}) once, without retry and outside the circuit
     * breaker: for a health check.
     *
     * @return ready, or not and why (draining, engine unreachable, no connection); never throws
     */
    SidecarReadiness readiness();
}
