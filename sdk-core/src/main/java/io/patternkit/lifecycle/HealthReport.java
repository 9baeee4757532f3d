package io.patternkit.lifecycle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to one {@link HealthProbe}: up when every check of the probe passed.
 *
 * @param probe the probe asked
 * @param up true when every check passed (also when there are none)
 * @param checks each check's result by name, in the order the checks were registered; unmodifiable
 */
public record HealthReport(HealthProbe probe, boolean up, Map<String, HealthCheckResult> checks) {
    /**
     * Copies the checks; {@code up} must agree with them.
     *
     * @param probe the probe asked
     * @param up true when every check passed (also when there are none)
     * @param checks each check's result by name, in the order the checks were registered; unmodifiable
     */
    public HealthReport {
        Objects.requireNonNull(probe, "probe");
        checks = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(checks, "checks")));
        if (up != checks.values().stream().allMatch(HealthCheckResult::up)) {
            throw new IllegalArgumentException("up must be true exactly when every check passed");
        }
    }

    /**
     * @param probe the probe asked; not null
     * @param checks each check's result by name, in order; not null
     * @return the report, up when every check passed
     */
    public static HealthReport of(HealthProbe probe, Map<String, HealthCheckResult> checks) {
        return new HealthReport(probe, checks.values().stream().allMatch(HealthCheckResult::up), checks);
    }

    /** @return {@code UP} or {@code DOWN} */
    public String status() {
        return up ? "UP" : "DOWN";
    }
}
