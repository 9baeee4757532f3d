package io.patternkit.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.patternkit.core.SidecarConfig;
import io.patternkit.spring.SidecarConfigCustomizer;
import io.patternkit.spring.workqueue.Jackson2PayloadCodec;
import io.patternkit.spring.workqueue.Jackson3PayloadCodec;
import io.patternkit.spring.workqueue.PayloadCodec;
import io.patternkit.spring.workqueue.WorkQueueListenerContainer;
import io.patternkit.spring.workqueue.WorkQueueTemplate;
import io.patternkit.testing.InMemoryWorkQueues;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueues;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.json.JsonMapper;

class WorkQueueAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(PatternkitLifecycleAutoConfiguration.class, WorkQueueAutoConfiguration.class));

    @Test
    void aClientTemplateAndListenerContainerAppearWithTheModule() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(WorkQueueClient.class).hasSingleBean(WorkQueueTemplate.class)
                    .hasSingleBean(WorkQueueListenerContainer.class).hasSingleBean(PayloadCodec.class);
            assertThat(context.getBean(WorkQueueClient.class).config().baseUrl())
                    .isEqualTo(URI.create("http://127.0.0.1:7311"));
        });
    }

    @Test
    void theClientsCallsAreObservedInTheApplicationsRegistries() {
        MeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        runner.withBean(MeterRegistry.class, () -> meters).withBean(ObservationRegistry.class, () -> observations)
                .run(context -> {
                    SidecarConfig config = context.getBean(WorkQueueClient.class).config();
                    assertThat(config.meterRegistry()).isSameAs(meters);
                    assertThat(config.observationRegistry()).isSameAs(observations);
                });
        runner.run(context -> assertThat(context.getBean(WorkQueueClient.class).config().observationRegistry())
                .isSameAs(ObservationRegistry.NOOP));
    }

    @Test
    void nothingAppearsWithoutTheModule() {
        runner.withClassLoader(new FilteredClassLoader(WorkQueueClient.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(WorkQueueTemplate.class)
                        .doesNotHaveBean(WorkQueueListenerContainer.class));
    }

    @Test
    void thePatternsOwnUrlWinsOverTheSharedOneWhichWinsOverTheEnvironment() {
        runner.withPropertyValues("PATTERNKIT_SIDECAR_URL=http://127.0.0.1:7000").run(context ->
                assertThat(context.getBean(WorkQueueClient.class).config().baseUrl())
                        .isEqualTo(URI.create("http://127.0.0.1:7000")));
        runner.withPropertyValues("PATTERNKIT_SIDECAR_URL=http://127.0.0.1:7000",
                "patternkit.sidecar.url=http://127.0.0.1:7100").run(context ->
                assertThat(context.getBean(WorkQueueClient.class).config().baseUrl())
                        .isEqualTo(URI.create("http://127.0.0.1:7100")));
        runner.withPropertyValues("patternkit.sidecar.url=http://127.0.0.1:7100",
                "patternkit.workqueue.url=http://127.0.0.1:7200").run(context ->
                assertThat(context.getBean(WorkQueueClient.class).config().baseUrl())
                        .isEqualTo(URI.create("http://127.0.0.1:7200")));
    }

    @Test
    void sidecarPropertiesAndCustomizersReachTheClient() {
        runner.withPropertyValues("patternkit.sidecar.api-token=s3cret", "patternkit.sidecar.call-timeout=3s",
                "patternkit.sidecar.max-retries=0", "patternkit.sidecar.connect-timeout=250ms")
                .withBean(SidecarConfigCustomizer.class, () -> (pattern, builder) ->
                        builder.retryBackoff(Duration.ofMillis(pattern.equals("workqueue") ? 7 : 9)))
                .run(context -> {
                    var config = context.getBean(WorkQueueClient.class).config();
                    assertThat(config.apiToken()).contains("s3cret");
                    assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(250));
                    assertThat(config.maxRetries()).isZero();
                    assertThat(config.retryBackoff()).isEqualTo(Duration.ofMillis(7));
                });
    }

    @Test
    void aBadValueFailsTheStartUpNamingTheProperty() {
        runner.withPropertyValues("patternkit.sidecar.max-retries=11").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("patternkit.sidecar.max-retries").hasMessageContaining("0..10"));
        runner.withPropertyValues("patternkit.sidecar.call-timeout=soon").run(context ->
                assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("patternkit.sidecar.call-timeout"));
        runner.withPropertyValues("patternkit.workqueue.url=ftp://127.0.0.1:1").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("patternkit.workqueue.url").hasMessageContaining("http(s)://"));
    }

    @Test
    void aBadTokenIsNamedButNeverShown() {
        runner.withPropertyValues("patternkit.sidecar.api-token=se\u0001cret").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("patternkit.sidecar.api-token");
            Throwable t = context.getStartupFailure();
            for (; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("se\u0001cret");
            }
        });
    }

    @Test
    void everyBeanBacksOffToTheApplicationsOwn() {
        InMemoryWorkQueues fakes = InMemoryWorkQueues.create(Clock.systemUTC());
        PayloadCodec codec = new Jackson2PayloadCodec(new ObjectMapper());
        WorkQueueTemplate template = new WorkQueueTemplate(fakes, codec);
        runner.withBean(WorkQueues.class, () -> fakes).withBean(PayloadCodec.class, () -> codec)
                .withBean(WorkQueueTemplate.class, () -> template).run(context -> {
                    assertThat(context).doesNotHaveBean(WorkQueueClient.class);
                    assertThat(context.getBean(WorkQueues.class)).isSameAs(fakes);
                    assertThat(context.getBean(PayloadCodec.class)).isSameAs(codec);
                    assertThat(context.getBean(WorkQueueTemplate.class)).isSameAs(template);
                });
    }

    @Test
    void payloadsUseTheApplicationsJacksonMapperJackson3First() {
        runner.withBean(JsonMapper.class, () -> JsonMapper.builder().build())
                .run(context -> {
                assertThat(context.getBean(PayloadCodec.class)).isInstanceOf(Jackson3PayloadCodec.class);});
        runner.withBean(JsonMapper.class, () -> JsonMapper.builder().build())
                .withBean(ObjectMapper.class, ObjectMapper::new).run(context ->
                assertThat(context.getBean(PayloadCodec.class)).isInstanceOf(Jackson3PayloadCodec.class));
        runner.withBean(ObjectMapper.class, ObjectMapper::new).run(context ->
                assertThat(context.getBean(PayloadCodec.class)).isInstanceOf(Jackson2PayloadCodec.class));
        runner.withClassLoader(new FilteredClassLoader(JsonMapper.class)).run(context ->
                assertThat(context.getBean(PayloadCodec.class)).isInstanceOf(Jackson2PayloadCodec.class));
    }

    record Order(int id, Instant placedAt) {
    }

    @Test
    void withoutAMapperBeanPayloadsIgnoreUnknownFieldsAndWriteTimesAsText() {
        runner.run(context -> {
            PayloadCodec codec = context.getBean(PayloadCodec.class);
            // A producer that has added a field must not send every item to the dead-letter queue.
            assertThat(codec.decode("{\"id\":7,\"placedAt\":\"2026-12-06T10:00:00Z\",\"coupon\":\"X\"}", Order.class))
                    .isEqualTo(new Order(7, Instant.parse("2026-12-06T10:00:00Z")));
            assertThat(codec.encode(new Order(7, Instant.parse("2026-12-06T10:00:00Z"))))
                    .isEqualTo("{\"id\":7,\"placedAt\":\"2026-12-06T10:00:00Z\"}");
        });
    }
}
