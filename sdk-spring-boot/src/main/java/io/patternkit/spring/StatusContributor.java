package io.patternkit.spring;

import io.patternkit.core.SidecarClient;
import io.patternkit.core.SidecarReadiness;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One pattern's part of what the application reports about Patternkit: the {@code patternkit} Actuator endpoint and
 * the {@code patternkit} entry of {@code /actuator/info} gather every contributor bean by {@link #name()}. Each
 * pattern's auto-configuration declares one, so that the Actuator part knows no pattern by name.
 */
public interface StatusContributor {
    /** @return the key of this part, such as {@code workqueue} or {@code leader} */
    String name();

    /**
     * @param probeSidecar whether to ask the sidecar's readiness probe (one call, for the endpoint; never for
     *     {@code /actuator/info}, which must stay cheap)
     * @return a JSON-ready description: maps, lists, strings, numbers and booleans only
     */
    Map<String, Object> status(boolean probeSidecar);

    /**
     * Asks this pattern's sidecar's readiness probe once, for a health check.
     *
     * @return the answer; empty when the pattern runs on an in-memory fake and has no sidecar
     */
    default Optional<SidecarReadiness> sidecarReadiness() {
        return Optional.empty();
    }

    /**
     * Describes where a pattern's calls go, the same way for every pattern.
     *
     * @param source the pattern's client or fake
     * @param probeSidecar whether to ask a real sidecar's readiness probe
     * @return for a {@link SidecarClient}: {@code url}, and {@code ready}, {@code status}, {@code detail} when asked;
     *     for anything else (a fake): its {@code kind}
     */
    static Map<String, Object> sidecar(Object source, boolean probeSidecar) {
        Map<String, Object> sidecar = new LinkedHashMap<>();
        if (!(source instanceof SidecarClient client)) {
            sidecar.put("kind", source.getClass().getSimpleName());
            return sidecar;
        }
        sidecar.put("url", client.config().baseUrl().toString());
        if (probeSidecar) {
            SidecarReadiness readiness = client.readiness();
            sidecar.put("ready", readiness.ready());
            sidecar.put("status", readiness.status());
            readiness.detail().ifPresent(d -> sidecar.put("detail", d));
        }
        return sidecar;
    }

    /**
     * @param source the pattern's client or fake
     * @return a {@link SidecarClient}'s readiness probe's answer; empty for anything else (a fake)
     */
    static Optional<SidecarReadiness> readinessOf(Object source) {
        return source instanceof SidecarClient client ? Optional.of(client.readiness()) : Optional.empty();
    }
}
