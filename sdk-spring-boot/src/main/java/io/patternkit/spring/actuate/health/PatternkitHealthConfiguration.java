package io.patternkit.spring.actuate.health;

import io.patternkit.spring.StatusContributor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code patternkit} health contributor's bean, imported by the Actuator auto-configuration on Spring Boot 4.
 */
@Configuration(proxyBeanMethods = false)
public class PatternkitHealthConfiguration {
    /** Spring creates it. */
    public PatternkitHealthConfiguration() {
    }

    /**
     * @param contributors the patterns' parts
     * @return the {@code patternkit} health contributor
     */
    @Bean
    @ConditionalOnMissingBean(name = "patternkitHealthIndicator")
    public PatternkitHealthIndicator patternkitHealthIndicator(ObjectProvider<StatusContributor> contributors) {
        return new PatternkitHealthIndicator(contributors.orderedStream().toList());
    }
}
