package io.patternkit.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.core.SidecarConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generated configuration metadata, which IDEs complete properties from, shows the SDK's defaults of the
 * properties that leave them to the SDK (unset, they bind to null): the sidecar clients' are checked against
 * {@link SidecarConfig}'s own.
 */
class ConfigurationMetadataTest {
    private static JsonNode property(String name) throws IOException {
        try (InputStream in = ConfigurationMetadataTest.class
                .getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the configuration processor's output").isNotNull();
            for (JsonNode p : JsonMapper.builder().build().readTree(in).get("properties")) {
                if (p.get("name").asString().equals(name)) {
                    return p;
                }
            }
        }
        throw new AssertionError(name + " is not in the metadata");
    }

    private static Duration durationDefault(String name) throws IOException {
        return DurationStyle.detectAndParse(property(name).get("defaultValue").asString());
    }

    @Test
    void theSidecarClientsDefaultsAreTheSdksOwn() throws IOException {
        SidecarConfig sdk = SidecarConfig.builder().baseUrl(URI.create("http://127.0.0.1:7300")).build();
        assertThat(durationDefault("patternkit.sidecar.connect-timeout")).isEqualTo(sdk.connectTimeout());
        assertThat(durationDefault("patternkit.sidecar.call-timeout")).isEqualTo(sdk.callTimeout());
        assertThat(durationDefault("patternkit.sidecar.retry-backoff")).isEqualTo(sdk.retryBackoff());
        assertThat(property("patternkit.sidecar.max-retries").get("defaultValue").asInt()).isEqualTo(sdk.maxRetries());
    }

    @Test
    void theListenersDefaultsAreShownWithTheirDescriptions() throws IOException {
        // WorkQueueConsumer.Builder's defaults, which it does not expose
        assertThat(property("patternkit.workqueue.listener.concurrency").get("defaultValue").asInt()).isEqualTo(4);
        assertThat(durationDefault("patternkit.workqueue.listener.visibility-timeout")).isEqualTo(Duration.ofSeconds(30));
        assertThat(durationDefault("patternkit.workqueue.listener.poll-wait")).isEqualTo(Duration.ofSeconds(20));
        assertThat(durationDefault("patternkit.workqueue.listener.ack-linger")).isEqualTo(Duration.ofMillis(100));
        assertThat(durationDefault("patternkit.workqueue.listener.drain-timeout")).isEqualTo(Duration.ofSeconds(30));
        assertThat(property("patternkit.workqueue.listener.poll-wait").has("description"))
                .as("the description from the properties' Javadoc is kept").isTrue();
    }
}
