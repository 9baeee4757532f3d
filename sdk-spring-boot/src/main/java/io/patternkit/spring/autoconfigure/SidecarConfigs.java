package io.patternkit.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.patternkit.core.SidecarConfig;
import io.patternkit.spring.Settings;
import io.patternkit.spring.SidecarConfigCustomizer;
import java.net.URI;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

/**
 * Builds a pattern client's {@link SidecarConfig} from the properties, the environment and the customizers, with the
 * application's {@code MeterRegistry} and {@code ObservationRegistry} (each call an observation) when it has them.
 */
final class SidecarConfigs {
    private SidecarConfigs() {
    }

    /**
     * @param pattern the pattern's name, as customizers receive it
     * @param patternUrlProperty the pattern's own URL property, such as {@code patternkit.workqueue.url}
     * @param patternUrl its value; null to use {@code patternkit.sidecar.url}, then the environment
     * @param urlVariable the pattern's environment variable, such as {@code PATTERNKIT_WORKQUEUE_URL}
     * @param defaultPort the pattern's loopback default port
     */
    static SidecarConfig create(String pattern, String patternUrlProperty, URI patternUrl, String urlVariable,
            int defaultPort, PatternkitSidecarProperties sidecar, Environment environment,
            ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<SidecarConfigCustomizer> customizers) {
        SidecarConfig.Builder builder = SidecarConfig.builder().environment(environment::getProperty)
                .fromEnvironment(urlVariable, defaultPort);
        if (patternUrl != null) {
            Settings.set(patternUrlProperty, patternUrl, builder::baseUrl);
        } else {
            Settings.set("patternkit.sidecar.url", sidecar.getUrl(), builder::baseUrl);
        }
        Settings.setSecret("patternkit.sidecar.api-token", sidecar.getApiToken(), builder::apiToken);
        Settings.set("patternkit.sidecar.connect-timeout", sidecar.getConnectTimeout(), builder::connectTimeout);
        Settings.set("patternkit.sidecar.call-timeout", sidecar.getCallTimeout(), builder::callTimeout);
        Settings.set("patternkit.sidecar.max-retries", sidecar.getMaxRetries(), builder::maxRetries);
        Settings.set("patternkit.sidecar.retry-backoff", sidecar.getRetryBackoff(), builder::retryBackoff);
        meterRegistry.ifAvailable(builder::meterRegistry);
        observationRegistry.ifAvailable(builder::observationRegistry);
        customizers.orderedStream().forEach(c -> c.customize(pattern, builder));
        return builder.build();
    }
}
