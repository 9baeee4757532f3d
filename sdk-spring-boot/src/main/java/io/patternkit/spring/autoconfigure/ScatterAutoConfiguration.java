package io.patternkit.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.management.EndpointHost;
import io.patternkit.protocol.Wire;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.spring.SidecarConfigCustomizer;
import io.patternkit.spring.scatter.LeafTarget;
import io.patternkit.spring.scatter.ScatterLeafContainer;
import io.patternkit.spring.scatter.ScatterLeafHandlerAnnotationProcessor;
import io.patternkit.spring.scatter.ScatterStatus;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Scatter/gather in a Spring application, active when {@code patternkit-sdk-scatter} is on the classpath: a
 * {@link ScatterClient} (the root sidecar's, from {@code patternkit.sidecar.*} and {@code patternkit.scatter.url})
 * that other beans use as their {@link ScatterGather}, and the {@link io.patternkit.spring.scatter.ScatterLeafHandler}
 * methods served as leaves: on the application's own web server when it has one (Spring MVC or WebFlux, see
 * {@link PatternkitWebAutoConfiguration}), otherwise on a Patternkit management server. Each bean backs off to one of the application's own; a {@link ScatterGather} bean of the
 * application's replaces the client.
 */
@AutoConfiguration(after = {PatternkitLifecycleAutoConfiguration.class, PatternkitWebAutoConfiguration.class})
@ConditionalOnClass(ScatterClient.class)
@EnableConfigurationProperties({PatternkitSidecarProperties.class, ScatterProperties.class})
public class ScatterAutoConfiguration {
    /** Creates the auto-configuration; Spring calls this. */
    public ScatterAutoConfiguration() {
    }

    /**
     * @param sidecar the shared {@code patternkit.sidecar.*} settings (token, timeouts, retries)
     * @param properties this pattern's {@code patternkit.<pattern>.*} settings, its URL among them
     * @param environment the environment, for the {@code PATTERNKIT_*} variables when no URL is set
     * @param meterRegistry the registry of the client's meters, when the application has one
     * @param observationRegistry the registry of the client's observations, when the application has one
     * @param customizers the application's changes to the client's configuration, applied in order
     * @return the client of the scatter root sidecar
     */
    @Bean
    @ConditionalOnMissingBean(ScatterGather.class)
    public ScatterClient scatterClient(PatternkitSidecarProperties sidecar, ScatterProperties properties, Environment environment,
            ObjectProvider<MeterRegistry> meterRegistry,
            ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<SidecarConfigCustomizer> customizers) {
        return ScatterClient.create(SidecarConfigs.create("scatter", "patternkit.scatter.url", properties.getUrl(),
                Wire.ENV_SCATTER_URL, Wire.DEFAULT_SCATTER_PORT, sidecar, environment, meterRegistry, observationRegistry, customizers));
    }

    /**
     * Static, so that it post-processes every bean without holding back their creation.
     *
     * @return the finder of {@code @ScatterLeafHandler} methods
     */
    @Bean
    public static ScatterLeafHandlerAnnotationProcessor scatterLeafHandlerAnnotationProcessor() {
        return new ScatterLeafHandlerAnnotationProcessor();
    }

    /**
     * @param processor the finder of {@code @ScatterLeafHandler} methods
     * @param client the root sidecar's client, for registration
     * @param hosts where the application serves endpoints: its web server's host, its management server, if any
     * @param lifecycle the application's lifecycle, if it has one
     * @param target where the methods are served instead, if anywhere (the fakes' in-memory scatter)
     * @param properties the {@code patternkit.scatter.*} settings: the leaf's shard, TTL, registration and server
     * @param environment resolves {@code ${...}} in the annotations
     * @return the container that serves the {@code @ScatterLeafHandler} methods
     * @throws InvalidConfigurationPropertyValueException naming {@code patternkit.scatter.leaf.ttl} when it is missing
     *     or outside 1 s to 300 s, or {@code patternkit.scatter.server.port} when it is outside 0 to 65535
     */
    @Bean
    @ConditionalOnMissingBean
    public ScatterLeafContainer scatterLeafContainer(ScatterLeafHandlerAnnotationProcessor processor,
            ObjectProvider<ScatterClient> client, ObjectProvider<EndpointHost> hosts, ObjectProvider<Lifecycle> lifecycle,
            ObjectProvider<LeafTarget> target, ScatterProperties properties, Environment environment) {
        ScatterProperties.Leaf leaf = properties.getLeaf();
        Duration ttl = leaf.getTtl();
        if (ttl == null || ttl.toMillis() < Wire.MIN_LEAF_TTL_MS || ttl.toMillis() > Wire.MAX_LEAF_TTL_MS) {
            throw new InvalidConfigurationPropertyValueException("patternkit.scatter.leaf.ttl",
                    environment.getProperty("patternkit.scatter.leaf.ttl", String.valueOf(ttl)), "must be 1s to 300s");
        }
        Integer port = properties.getServer().getPort();
        if (port != null && (port < 0 || port > 65535)) {
            throw new InvalidConfigurationPropertyValueException("patternkit.scatter.server.port", port,
                    "must be 0 to 65535");
        }
        return new ScatterLeafContainer(processor, client, hosts, lifecycle, target, environment, new ScatterLeafContainer.LeafSettings(
                leaf.getShard(), ttl, leaf.isRegister(), properties.getServer().getHost(), port));
    }

    /**
     * @param scatter the application's scatter/gather
     * @param leaves the leaf container
     * @return scatter/gather's part of the Patternkit status (Actuator)
     */
    @Bean
    @ConditionalOnMissingBean
    public ScatterStatus scatterStatus(ScatterGather scatter, ScatterLeafContainer leaves) {
        return new ScatterStatus(scatter, leaves);
    }
}
