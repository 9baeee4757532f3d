package io.patternkit.core;

import java.util.Objects;
import java.util.Optional;

/**
 * What a sidecar's readiness probe ({@code GET /healthz/ready}) answered: ready when its engines answer and it is not
 * draining. For a framework's health check (Spring Boot Actuator) or a start-up wait; the pattern calls themselves
 * need no such check.
 *
 * @param ready true for a 200 answer
 * @param status the sidecar's own word ({@code UP} or {@code DOWN}), or {@code UNREACHABLE} when no answer came
 * @param detail why it is not ready ({@code draining}, {@code engine unreachable}, the connection's error); empty when
 *     ready
 */
public record SidecarReadiness(boolean ready, String status, Optional<String> detail) {
    /**
     * Checks that the components are present.
     *
     * @param ready true for a 200 answer
     * @param status the sidecar's own word ({@code UP} or {@code DOWN}), or {@code UNREACHABLE} when no answer came
     * @param detail why it is not ready ({@code draining}, {@code engine unreachable}, the connection's error); empty when
     *     ready
     */
    public SidecarReadiness {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }
}
