package io.patternkit.spring.actuate.health;

import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.actuate.PatternkitHealth;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Patternkit's health contributors on Spring Boot 4, imported by the Actuator auto-configuration: {@code patternkit}
 * (readiness) and, with a {@link Lifecycle}, {@code patternkitLiveness} and {@code patternkitStartup}. Switched off,
 * all three, as any Spring Boot health indicator is, by {@code management.health.patternkit.enabled=false} (default:
 * {@code management.health.defaults.enabled}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnEnabledHealthIndicator("patternkit")
public class PatternkitHealthConfiguration {
    /** Spring creates it. */
    public PatternkitHealthConfiguration() {
    }

    /**
     * @param health what the contributors answer
     * @return the {@code patternkit} health contributor
     */
    @Bean
    @ConditionalOnMissingBean(name = "patternkitHealthIndicator")
    public PatternkitHealthIndicator patternkitHealthIndicator(PatternkitHealth health) {
        return new PatternkitHealthIndicator(health);
    }

    /**
     * @param health what the contributors answer
     * @return the {@code patternkitLiveness} health contributor
     */
    @Bean
    @ConditionalOnBean(Lifecycle.class)
    @ConditionalOnMissingBean(name = "patternkitLivenessHealthIndicator")
    public PatternkitProbeHealthIndicator patternkitLivenessHealthIndicator(PatternkitHealth health) {
        return new PatternkitProbeHealthIndicator(health, HealthProbe.LIVENESS);
    }

    /**
     * @param health what the contributors answer
     * @return the {@code patternkitStartup} health contributor
     */
    @Bean
    @ConditionalOnBean(Lifecycle.class)
    @ConditionalOnMissingBean(name = "patternkitStartupHealthIndicator")
    public PatternkitProbeHealthIndicator patternkitStartupHealthIndicator(PatternkitHealth health) {
        return new PatternkitProbeHealthIndicator(health, HealthProbe.STARTUP);
    }
}
