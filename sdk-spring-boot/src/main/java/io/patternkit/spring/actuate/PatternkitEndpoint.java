package io.patternkit.spring.actuate;

import io.patternkit.spring.StatusContributor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code patternkit} Actuator endpoint ({@code GET /actuator/patternkit} once exposed with
 * {@code management.endpoints.web.exposure.include}): each pattern's sidecar with its readiness probe's answer, the
 * {@code @WorkQueueListener} consumers with their counters, and the leadership with its fencing token, in the way
 * Spring Cloud Kubernetes shows its leader in {@code /actuator/info}. Each read asks each sidecar's probe once.
 */
@Endpoint(id = "patternkit")
public class PatternkitEndpoint {
    private final List<StatusContributor> contributors;

    /** @param contributors the patterns' parts, in order */
    public PatternkitEndpoint(List<StatusContributor> contributors) {
        this.contributors = List.copyOf(Objects.requireNonNull(contributors, "contributors"));
    }

    /** @return every pattern's part by name */
    @ReadOperation
    public Map<String, Object> patternkit() {
        Map<String, Object> all = new LinkedHashMap<>();
        contributors.forEach(c -> all.put(c.name(), c.status(true)));
        return all;
    }
}
