package io.patternkit.lifecycle;

import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link HealthCheck} found.
 *
 * @param up whether the check passed
 * @param detail a short reason, shown in the probe's JSON body (which needs no token: never put a secret or a
 *     payload in it); empty when there is nothing to say
 */
public record HealthCheckResult(boolean up, Optional<String> detail) {
    /**
     * Checks that the detail is present (possibly empty).
     *
     * @param up whether the check passed
     * @param detail a short reason, shown in the probe's JSON body (which needs no token: never put a secret or a
     *     payload in it); empty when there is nothing to say
     */
    public HealthCheckResult {
        Objects.requireNonNull(detail, "detail");
    }

    /** @return a passed check without detail */
    public static HealthCheckResult healthy() {
        return new HealthCheckResult(true, Optional.empty());
    }

    /**
     * @param detail what passed, such as {@code "3 of 3 shards loaded"}; not null
     * @return a passed check
     */
    public static HealthCheckResult healthy(String detail) {
        return new HealthCheckResult(true, Optional.of(Objects.requireNonNull(detail, "detail")));
    }

    /**
     * @param detail why it failed, such as {@code "sidecar unreachable"}; not null
     * @return a failed check
     */
    public static HealthCheckResult unhealthy(String detail) {
        return new HealthCheckResult(false, Optional.of(Objects.requireNonNull(detail, "detail")));
    }

    /** @return {@code UP} or {@code DOWN}, the word the probes' bodies use */
    public String status() {
        return up ? "UP" : "DOWN";
    }
}
