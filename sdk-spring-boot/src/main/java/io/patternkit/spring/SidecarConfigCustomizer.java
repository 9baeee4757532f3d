package io.patternkit.spring;

import io.patternkit.core.SidecarConfig;

/**
 * Tweaks the {@link SidecarConfig} of a sidecar client before the auto-configuration builds it, after the
 * {@code patternkit.sidecar.*} properties are applied: a clock, a circuit breaker's thresholds, a URL computed at
 * run time. Declare one or more as beans; they run in {@link org.springframework.core.Ordered} order. The same
 * shape as Spring Boot's {@code RestClientCustomizer}.
 */
@FunctionalInterface
public interface SidecarConfigCustomizer {
    /**
     * @param pattern which client is being built: {@code "workqueue"}, {@code "leader"}, {@code "scatter"} or
     *     {@code "checkpoint"}; never null
     * @param builder the builder, with the properties already applied; never null
     */
    void customize(String pattern, SidecarConfig.Builder builder);
}
