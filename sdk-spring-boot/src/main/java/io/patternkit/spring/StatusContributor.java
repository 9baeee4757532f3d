package io.patternkit.spring;

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
     * Describes a sidecar the same way for every pattern.
     *
     * @param url its base URL
     * @param readiness its probe's answer; null when it was not asked
     * @return {@code url}, and {@code ready}, {@code status}, {@code detail} when asked
     */
    static Map<String, Object> sidecar(String url, SidecarReadiness readiness) {
        Map<String, Object> sidecar = new LinkedHashMap<>();
        sidecar.put("url", url);
        if (readiness != null) {
            sidecar.put("ready", readiness.ready());
            sidecar.put("status", readiness.status());
            readiness.detail().ifPresent(d -> sidecar.put("detail", d));
        }
        return sidecar;
    }
}
