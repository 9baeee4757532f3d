package io.patternkit.spring.autoconfigure;

import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.spring.StatusContributor;
import io.patternkit.spring.actuate.Boot3HealthConfiguration;
import io.patternkit.spring.actuate.Boot3HealthIndicator;
import io.patternkit.spring.actuate.PatternkitEndpoint;
import io.patternkit.spring.actuate.PatternkitHealth;
import io.patternkit.spring.actuate.PatternkitInfoContributor;
import java.util.Optional;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Patternkit in Spring Boot Actuator, active when Actuator is on the classpath: the {@code patternkit} endpoint and
 * the {@code patternkit} info entry, and the {@code patternkit} (readiness), {@code patternkitLiveness} and
 * {@code patternkitStartup} health contributors on Boot 4 and 3.5, over the patterns' {@link StatusContributor}s. Expose the endpoint with
 * {@code management.endpoints.web.exposure.include=health,info,patternkit}.
 */
@AutoConfiguration(after = {PatternkitLifecycleAutoConfiguration.class, WorkQueueAutoConfiguration.class,
        LeaderElectionAutoConfiguration.class, ScatterAutoConfiguration.class})
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@Import(PatternkitActuatorAutoConfiguration.HealthSelector.class)
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
     * @param lifecycle the application's lifecycle, when it has one
     * @return what Patternkit's health contributors answer, on any Spring Boot version
     */
    @Bean
    @ConditionalOnMissingBean
    public PatternkitHealth patternkitHealth(ObjectProvider<StatusContributor> contributors, ObjectProvider<Lifecycle> lifecycle) {
        return new PatternkitHealth(contributors.orderedStream().toList(), Optional.ofNullable(lifecycle.getIfAvailable()));
    }

    /**
     * Imports the health contributors' configuration for the Boot version at hand: on Spring Boot 4, whose health API
     * lives in {@code spring-boot-health}, the compiled one (by name, so that this class also loads on Boot 3.5, where
     * it is left out); on Boot 3.5 the {@link Boot3HealthConfiguration}.
     */
    static final class HealthSelector implements ImportSelector, BeanClassLoaderAware {
        static final String HEALTH_API = "org.springframework.boot.health.contributor.HealthIndicator";
        static final String CONFIGURATION = "io.patternkit.spring.actuate.health.PatternkitHealthConfiguration";
        private ClassLoader loader = HealthSelector.class.getClassLoader();

        @Override
        public void setBeanClassLoader(ClassLoader classLoader) {
            this.loader = classLoader;
        }

        @Override
        public String[] selectImports(AnnotationMetadata metadata) {
            if (ClassUtils.isPresent(HEALTH_API, loader) && ClassUtils.isPresent(CONFIGURATION, loader)) {
                return new String[] {CONFIGURATION};
            }
            return ClassUtils.isPresent(Boot3HealthIndicator.HEALTH_INDICATOR, loader)
                    ? new String[] {Boot3HealthConfiguration.class.getName()} : new String[0];
        }
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
