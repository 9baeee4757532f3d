package io.patternkit.spring.autoconfigure;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.patternkit.core.internal.Json;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.protocol.Wire;
import io.patternkit.spring.SidecarConfigCustomizer;
import io.patternkit.spring.workqueue.Jackson2PayloadCodec;
import io.patternkit.spring.workqueue.Jackson3PayloadCodec;
import io.patternkit.spring.workqueue.ListenerDefaults;
import io.patternkit.spring.workqueue.PayloadCodec;
import io.patternkit.spring.workqueue.WorkQueueListenerAnnotationProcessor;
import io.patternkit.spring.workqueue.WorkQueueListenerContainer;
import io.patternkit.spring.workqueue.WorkQueueStatus;
import io.patternkit.spring.workqueue.WorkQueueTemplate;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueues;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * The work queue in a Spring application, active when {@code patternkit-sdk-workqueue} is on the classpath: a
 * {@link WorkQueueClient} from {@code patternkit.sidecar.*} and {@code patternkit.workqueue.url}, a
 * {@link PayloadCodec} over the application's Jackson mapper, a {@link WorkQueueTemplate}, and the
 * {@link WorkQueueListenerContainer} that consumes every {@link io.patternkit.spring.workqueue.WorkQueueListener}
 * method. Each bean backs off to one of the application's own; a {@link WorkQueues} bean of the application's (such
 * as the in-memory fakes of {@code patternkit-sdk-testing}) replaces the client.
 */
@AutoConfiguration(after = PatternkitLifecycleAutoConfiguration.class, afterName = {
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration"})
@ConditionalOnClass(WorkQueueClient.class)
@EnableConfigurationProperties({PatternkitSidecarProperties.class, WorkQueueProperties.class})
public class WorkQueueAutoConfiguration {
    /** Creates the auto-configuration; Spring calls this. */
    public WorkQueueAutoConfiguration() {
    }

    /**
     * @param sidecar the shared {@code patternkit.sidecar.*} settings (token, timeouts, retries)
     * @param properties this pattern's {@code patternkit.<pattern>.*} settings, its URL among them
     * @param environment the environment, for the {@code PATTERNKIT_*} variables when no URL is set
     * @param meterRegistry the registry of the client's meters, when the application has one
     * @param observationRegistry the registry of the client's observations, when the application has one
     * @param customizers the application's changes to the client's configuration, applied in order
     * @return the client of the work-queue sidecar
     */
    @Bean
    @ConditionalOnMissingBean(WorkQueues.class)
    public WorkQueueClient workQueueClient(PatternkitSidecarProperties sidecar, WorkQueueProperties properties,
            Environment environment, ObjectProvider<MeterRegistry> meterRegistry,
            ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<SidecarConfigCustomizer> customizers) {
        return WorkQueueClient.create(SidecarConfigs.create("workqueue", "patternkit.workqueue.url",
                properties.getUrl(), Wire.ENV_WORKQUEUE_URL, Wire.DEFAULT_WORKQUEUE_PORT, sidecar, environment,
                meterRegistry, observationRegistry, customizers));
    }

    /**
     * The codec when the application has no Jackson mapper bean (a Boot 4 worker without web has none): the SDK's own
     * Jackson 2 mapper, with Java time as RFC 3339 text and unknown fields ignored, so that a producer that adds a
     * field does not send every item to the dead-letter queue. Declared here, after the nested configurations over the
     * application's mappers, so that they come first.
     *
     * @return the codec
     */
    @Bean
    @ConditionalOnMissingBean
    public PayloadCodec patternkitPayloadCodec() {
        return new Jackson2PayloadCodec(Json.mapper());
    }

    /**
     * @param queues the work queues
     * @param codec the payloads' codec
     * @return the producer
     */
    @Bean
    @ConditionalOnMissingBean
    public WorkQueueTemplate workQueueTemplate(WorkQueues queues, PayloadCodec codec) {
        return new WorkQueueTemplate(queues, codec);
    }

    /**
     * @return the post-processor that finds listener methods; static, so that it depends on nothing
     */
    @Bean
    @ConditionalOnMissingBean
    public static WorkQueueListenerAnnotationProcessor workQueueListenerAnnotationProcessor() {
        return new WorkQueueListenerAnnotationProcessor();
    }

    /**
     * @param processor the finder of listener methods
     * @param queues the work queues
     * @param codec the payloads' codec
     * @param properties the {@code patternkit.workqueue.listener.*} defaults
     * @param environment resolves {@code ${...}} in the listeners' attributes
     * @param meterRegistry the registry of the consumers' meters, when the application has one
     * @param lifecycle the application's lifecycle, whose drain drains the consumers, if it has one
     * @return the container of the listeners' consumers
     */
    @Bean
    @ConditionalOnMissingBean
    public WorkQueueListenerContainer workQueueListenerContainer(WorkQueueListenerAnnotationProcessor processor,
            WorkQueues queues, PayloadCodec codec, WorkQueueProperties properties, Environment environment,
            ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<Lifecycle> lifecycle) {
        WorkQueueProperties.Listener listener = properties.getListener();
        ListenerDefaults defaults = new ListenerDefaults(listener.getConcurrency(), listener.getBatchSize(),
                listener.getVisibilityTimeout(), listener.getPollWait(), listener.getAckLinger(), listener.getDrainTimeout(),
                listener.isAutoStartup());
        return new WorkQueueListenerContainer(processor, queues, codec, defaults, environment,
                meterRegistry.getIfAvailable(), lifecycle.getIfAvailable());
    }

    /**
     * @param queues the work queues
     * @param listeners the listener container
     * @return the work queue's part of the Patternkit status (Actuator)
     */
    @Bean
    @ConditionalOnMissingBean
    public WorkQueueStatus workQueueStatus(WorkQueues queues, WorkQueueListenerContainer listeners) {
        return new WorkQueueStatus(queues, listeners);
    }

    /** The codec over Spring Boot 4's Jackson 3 mapper. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "tools.jackson.databind.json.JsonMapper")
    @ConditionalOnBean(type = "tools.jackson.databind.json.JsonMapper")
    static class Jackson3Codec {
        @Bean
        @ConditionalOnMissingBean
        PayloadCodec patternkitPayloadCodec(JsonMapper mapper) {
            return new Jackson3PayloadCodec(mapper);
        }
    }

    /** The codec over Spring Boot 3's Jackson 2 mapper, when there is no Jackson 3 mapper. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(ObjectMapper.class)
    @ConditionalOnMissingBean(type = "tools.jackson.databind.json.JsonMapper")
    static class Jackson2Codec {
        @Bean
        @ConditionalOnMissingBean
        PayloadCodec patternkitPayloadCodec(ObjectMapper mapper) {
            return new Jackson2PayloadCodec(mapper);
        }
    }

}
