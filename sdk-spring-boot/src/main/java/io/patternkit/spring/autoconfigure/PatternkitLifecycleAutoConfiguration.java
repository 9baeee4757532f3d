package io.patternkit.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.lifecycle.LifecycleListener;
import io.patternkit.spring.Settings;
import io.patternkit.spring.lifecycle.DrainOnShutdown;
import io.patternkit.spring.lifecycle.LifecycleStatus;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The application's {@link Lifecycle}, with which every auto-configured Patternkit handle registers its drain steps
 * and to which every {@link LifecycleListener} bean listens (the termination notice and its deadline, then the drain's
 * report), and the {@link DrainOnShutdown} that runs the drain when the context stops (Spring Boot's shutdown hook turns
 * SIGTERM into that stop, so the lifecycle's own SIGTERM handler is not installed). Off with
 * {@code patternkit.lifecycle.enabled=false}: consumers and leaderships are then stopped one by one by their own
 * beans.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "patternkit.lifecycle", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(PatternkitLifecycleProperties.class)
public class PatternkitLifecycleAutoConfiguration {
    static final String SHUTDOWN_PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";
    private static final Duration SPRING_DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MARGIN = Duration.ofSeconds(1);

    /** Creates the auto-configuration; Spring calls this. */
    public PatternkitLifecycleAutoConfiguration() {
    }

    /**
     * @param properties {@code patternkit.lifecycle.*}
     * @param environment for Spring's shutdown phase timeout
     * @param meterRegistry the application's registry, when it has one
     * @param listeners the application's {@link LifecycleListener} beans, told of the termination notice and
     *     of the drain's report, in {@link org.springframework.core.Ordered} order
     * @return the lifecycle, its deadline set from the properties
     */
    @Bean
    @ConditionalOnMissingBean
    public Lifecycle patternkitLifecycle(PatternkitLifecycleProperties properties, Environment environment,
            ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<LifecycleListener> listeners) {
        Lifecycle.Builder builder = Lifecycle.builder();
        Settings.set("patternkit.lifecycle.drain-deadline", drainDeadline(properties, environment),
                builder::drainDeadline);
        meterRegistry.ifAvailable(builder::meterRegistry);
        Lifecycle lifecycle = builder.build();
        listeners.orderedStream().forEach(lifecycle::addListener);
        return lifecycle;
    }

    /**
     * @param lifecycle the application's lifecycle
     * @return its part of the {@code patternkit} Actuator endpoint and info entry
     */
    @Bean
    @ConditionalOnMissingBean
    public LifecycleStatus patternkitLifecycleStatus(Lifecycle lifecycle) {
        return new LifecycleStatus(lifecycle);
    }

    /**
     * @param lifecycle the lifecycle to drain
     * @return the bean that drains it when the context stops
     */
    @Bean
    @ConditionalOnMissingBean
    public DrainOnShutdown patternkitDrainOnShutdown(Lifecycle lifecycle) {
        return new DrainOnShutdown(lifecycle, lifecycle.drainDeadline());
    }

    static Duration drainDeadline(PatternkitLifecycleProperties properties, Environment environment) {
        Duration phase = Binder.get(environment).bind(SHUTDOWN_PHASE_TIMEOUT, Duration.class)
                .orElse(SPRING_DEFAULT_PHASE_TIMEOUT);
        Duration deadline = properties.getDrainDeadline();
        if (deadline == null) {
            return phase.compareTo(MARGIN.multipliedBy(2)) >= 0 ? phase.minus(MARGIN) : phase;
        }
        if (deadline.compareTo(phase) > 0) {
            throw new InvalidConfigurationPropertyValueException("patternkit.lifecycle.drain-deadline", deadline,
                    "it is longer than " + SHUTDOWN_PHASE_TIMEOUT + " (" + phase + "), after which Spring stops"
                            + " waiting for the drain; raise that, or shorten the deadline");
        }
        return deadline;
    }
}
