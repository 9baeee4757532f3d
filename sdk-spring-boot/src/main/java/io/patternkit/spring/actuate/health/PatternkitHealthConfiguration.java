package io.patternkit.spring.actuate.health;

import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.StatusContributor;
import java.util.Optional;
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
     * @param lifecycle the application's lifecycle, when it has one
     * @return the {@code patternkit} health contributor
     */
    @Bean
    @ConditionalOnMissingBean(name = "patternkitHealthIndicator")
    public PatternkitHealthIndicator patternkitHealthIndicator(ObjectProvider<StatusContributor> contributors,
            ObjectProvider<Lifecycle> lifecycle) {
        return new PatternkitHealthIndicator(contributors.orderedStream().toList(),
                Optional.ofNullable(lifecycle.getIfAvailable()));
    }
}
