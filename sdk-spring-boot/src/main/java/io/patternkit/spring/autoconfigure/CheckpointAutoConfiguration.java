package io.patternkit.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.patternkit.lifecycle.CheckpointClient;
import io.patternkit.lifecycle.CheckpointStore;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.protocol.Wire;
import io.patternkit.spring.SidecarConfigCustomizer;
import io.patternkit.spring.lifecycle.CheckpointFence;
import io.patternkit.spring.lifecycle.CheckpointHooks;
import io.patternkit.spring.lifecycle.PatternkitCheckpoint;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * Checkpoint and restore hooks on beans: the {@link PatternkitCheckpoint} and
 * {@link io.patternkit.spring.lifecycle.PatternkitRestore} methods run by {@link CheckpointHooks} against a
 * {@link CheckpointClient} (the sidecar's checkpoints, from {@code patternkit.checkpoint.url}, else
 * {@code patternkit.sidecar.url}, else {@code PATTERNKIT_CHECKPOINT_URL} or {@code PATTERNKIT_SIDECAR_URL}), created
 * only when a method needs it. A {@link CheckpointStore} bean of the application's (the fakes' in-memory one)
 * replaces the client.
 */
@AutoConfiguration(after = PatternkitLifecycleAutoConfiguration.class)
@EnableConfigurationProperties({PatternkitSidecarProperties.class, CheckpointProperties.class})
public class CheckpointAutoConfiguration {
    /** Creates the auto-configuration; Spring calls this. */
    public CheckpointAutoConfiguration() {
    }

    /**
     * @param sidecar the shared {@code patternkit.sidecar.*} settings (token, timeouts, retries)
     * @param properties this pattern's {@code patternkit.<pattern>.*} settings, its URL among them
     * @param environment the environment, for the {@code PATTERNKIT_*} variables when no URL is set
     * @param meterRegistry the registry of the client's meters, when the application has one
     * @param observationRegistry the registry of the client's observations, when the application has one
     * @param customizers the application's changes to the client's configuration, applied in order
     * @return the sidecar's checkpoints, created when first asked for
     */
    @Bean
    @Lazy
    @ConditionalOnMissingBean(CheckpointStore.class)
    public CheckpointClient checkpointClient(PatternkitSidecarProperties sidecar, CheckpointProperties properties,
            Environment environment, ObjectProvider<MeterRegistry> meterRegistry,
            ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<SidecarConfigCustomizer> customizers) {
        return CheckpointClient.create(SidecarConfigs.create("checkpoint", "patternkit.checkpoint.url", properties.getUrl(),
                Wire.ENV_CHECKPOINT_URL, Wire.DEFAULT_SIDECAR_PORT, sidecar, environment, meterRegistry, observationRegistry, customizers));
    }

    /** @return the finder of {@code @PatternkitCheckpoint} methods; static, as every bean post-processor */
    @Bean
    public static CheckpointHooks.Savers patternkitCheckpointSavers() {
        return new CheckpointHooks.Savers();
    }

    /** @return the finder of {@code @PatternkitRestore} methods */
    @Bean
    public static CheckpointHooks.Restorers patternkitCheckpointRestorers() {
        return new CheckpointHooks.Restorers();
    }

    /**
     * @param savers the finder of {@code @PatternkitCheckpoint} methods
     * @param restorers the finder of {@code @PatternkitRestore} methods
     * @param store where checkpoints are kept (the sidecar's client, or the fakes' store)
     * @param lifecycle the application's lifecycle, if it has one
     * @param fence the leadership's fence, if the application campaigns
     * @param environment resolves {@code ${...}} in the names
     * @return the hooks that save and restore the methods' states
     */
    @Bean
    @ConditionalOnMissingBean
    public CheckpointHooks patternkitCheckpointHooks(CheckpointHooks.Savers savers, CheckpointHooks.Restorers restorers,
            ObjectProvider<CheckpointStore> store, ObjectProvider<Lifecycle> lifecycle, ObjectProvider<CheckpointFence> fence,
            Environment environment) {
        return new CheckpointHooks(savers, restorers, store, lifecycle, fence, environment);
    }
}
