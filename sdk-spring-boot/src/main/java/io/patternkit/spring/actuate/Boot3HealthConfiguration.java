package io.patternkit.spring.actuate;

import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.Lifecycle;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Patternkit's health contributors on Spring Boot 3.5, imported by the Actuator auto-configuration when Boot 3's health
 * API is present: {@code patternkit} (readiness), and with a {@link Lifecycle} {@code patternkitLiveness} and
 * {@code patternkitStartup}, answering as the Boot 4 ones do ({@link PatternkitHealth}). Switched off as on Boot 4 by
 * {@code management.health.patternkit.enabled=false} (default: {@code management.health.defaults.enabled}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(Boot3HealthConfiguration.Enabled.class)
public class Boot3HealthConfiguration implements BeanClassLoaderAware {
    /**
     * The rule of Boot's {@code @ConditionalOnEnabledHealthIndicator("patternkit")}, which cannot be named here, where
     * Boot 4 compiles the class: the indicator's own switch, else the defaults' switch, else on; values converted as
     * Spring converts booleans ({@code true}, {@code on}, {@code yes}, {@code 1}).
     */
    static final class Enabled extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Environment environment = context.getEnvironment();
            Boolean own = environment.getProperty("management.health.patternkit.enabled", Boolean.class);
            boolean enabled = own != null ? own
                    : environment.getProperty("management.health.defaults.enabled", Boolean.class, true);
            return new ConditionOutcome(enabled, "the patternkit health indicator is "
                    + (enabled ? "enabled" : "disabled"));
        }
    }

    private ClassLoader loader = Boot3HealthConfiguration.class.getClassLoader();

    /** Spring creates it. */
    public Boot3HealthConfiguration() {
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.loader = classLoader;
    }

    /**
     * @param health what the contributors answer, looked up at the first health request (a factory bean is made early,
     *     to learn its type, and must not pull the patterns' beans in with it)
     * @return the {@code patternkit} health contributor
     */
    @Bean
    @ConditionalOnMissingBean(name = "patternkitHealthIndicator")
    public Boot3HealthIndicator patternkitHealthIndicator(ObjectProvider<PatternkitHealth> health) {
        return new Boot3HealthIndicator(() -> health.getObject().readiness(), loader);
    }

    /**
     * @param health what the contributors answer, looked up at the first health request (a factory bean is made early,
     *     to learn its type, and must not pull the patterns' beans in with it)
     * @return the {@code patternkitLiveness} health contributor
     */
    @Bean
    @ConditionalOnBean(Lifecycle.class)
    @ConditionalOnMissingBean(name = "patternkitLivenessHealthIndicator")
    public Boot3HealthIndicator patternkitLivenessHealthIndicator(ObjectProvider<PatternkitHealth> health) {
        return new Boot3HealthIndicator(() -> health.getObject().probe(HealthProbe.LIVENESS).orElseThrow(), loader);
    }

    /**
     * @param health what the contributors answer, looked up at the first health request (a factory bean is made early,
     *     to learn its type, and must not pull the patterns' beans in with it)
     * @return the {@code patternkitStartup} health contributor
     */
    @Bean
    @ConditionalOnBean(Lifecycle.class)
    @ConditionalOnMissingBean(name = "patternkitStartupHealthIndicator")
    public Boot3HealthIndicator patternkitStartupHealthIndicator(ObjectProvider<PatternkitHealth> health) {
        return new Boot3HealthIndicator(() -> health.getObject().probe(HealthProbe.STARTUP).orElseThrow(), loader);
    }
}
