package io.patternkit.spring.autoconfigure;

import io.patternkit.spring.StatusContributor;
import io.patternkit.spring.actuate.PatternkitEndpoint;
import io.patternkit.spring.actuate.PatternkitInfoContributor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Patternkit in Spring Boot Actuator, active when Actuator is on the classpath: the {@code patternkit} endpoint and
 * the {@code patternkit} info entry, over the patterns' {@link StatusContributor}s. Expose the endpoint with
 * {@code management.endpoints.web.exposure.include=health,info,patternkit}.
 */
@AutoConfiguration(after = {WorkQueueAutoConfiguration.class, LeaderElectionAutoConfiguration.class})
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
public class PatternkitActuatorAutoConfiguration {
    /** Creates the auto-configuration; Spring calls this. */
    public PatternkitActuatorAutoConfiguration() {
    }

    /**
     * @param contributors the patterns' parts
     * @return the {@code patternkit} endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    public PatternkitEndpoint patternkitEndpoint(ObjectProvider<StatusContributor> contributors) {
        return new PatternkitEndpoint(contributors.orderedStream().toList());
    }

    /**
     * @param contributors the patterns' parts
     * @return the {@code patternkit} entry of {@code /actuator/info}
     */
    @Bean
    @ConditionalOnMissingBean
    public PatternkitInfoContributor patternkitInfoContributor(ObjectProvider<StatusContributor> contributors) {
        return new PatternkitInfoContributor(contributors.orderedStream().toList());
    }
}
