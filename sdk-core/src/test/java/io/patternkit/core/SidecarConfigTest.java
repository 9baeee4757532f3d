package io.patternkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.protocol.Wire;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarConfigTest {
    private static SidecarConfig.Builder env(Map<String, String> vars) {
        return SidecarConfig.builder().environment(vars::get)
                .fromEnvironment(Wire.ENV_WORKQUEUE_URL, Wire.DEFAULT_WORKQUEUE_PORT);
    }

    @Test
    void defaultsToLoopbackPortWithoutTokenWhenTheEnvironmentIsEmpty() {
        SidecarConfig c = env(Map.of()).build();
        assertThat(c.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:7311"));
        assertThat(c.apiToken()).isEmpty();
        assertThat(c.urlVariable()).contains(Wire.ENV_WORKQUEUE_URL);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.maxRetries()).isEqualTo(3);
        assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void theOneSidecarsUrlServesAPatternWhoseOwnVariableIsUnset() {
        SidecarConfig c = env(Map.of(Wire.ENV_SIDECAR_URL, "http://127.0.0.1:7300")).build();
        assertThat(c.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:7300"));
        assertThat(c.urlVariable()).contains(Wire.ENV_SIDECAR_URL);
    }

    @Test
    void thePatternsOwnVariableWinsOverTheOneSidecarsUrl() {
        SidecarConfig c = env(Map.of(Wire.ENV_SIDECAR_URL, "http://127.0.0.1:7300",
                Wire.ENV_WORKQUEUE_URL, "http://127.0.0.1:9000")).build();
        assertThat(c.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(c.urlVariable()).contains(Wire.ENV_WORKQUEUE_URL);
    }

    @Test
    void aBadOneSidecarUrlIsNamedInTheError() {
        assertThatThrownBy(() -> env(Map.of(Wire.ENV_SIDECAR_URL, "http://bad host")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Wire.ENV_SIDECAR_URL + " must be http(s)://host:port");
    }

    @Test
    void anExplicitBaseUrlWinsOverTheOneSidecarsUrl() {
        SidecarConfig c = env(Map.of(Wire.ENV_SIDECAR_URL, "http://127.0.0.1:7300"))
                .baseUrl(URI.create("http://127.0.0.1:1234")).build();
        assertThat(c.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:1234"));
        assertThat(c.urlVariable()).isEmpty();
    }

    @Test
    void readsUrlAndTokenFromTheEnvironment() {
        SidecarConfig c = env(Map.of(Wire.ENV_WORKQUEUE_URL, "http://wq.local:9000/", Wire.ENV_API_TOKEN, "s3cret"))
                .build();
        assertThat(c.baseUrl()).isEqualTo(URI.create("http://wq.local:9000"));
        assertThat(c.apiToken()).contains("s3cret");
    }

    @Test
    void explicitSettingsWinOverTheEnvironmentWhateverTheOrder() {
        SidecarConfig c = SidecarConfig.builder().baseUrl(URI.create("https://explicit:1"))
                .apiToken("mine")
                .environment(Map.of(Wire.ENV_WORKQUEUE_URL, "http://env:2", Wire.ENV_API_TOKEN, "theirs")::get)
                .fromEnvironment(Wire.ENV_WORKQUEUE_URL, 7311)
                .build();
        assertThat(c.baseUrl()).isEqualTo(URI.create("https://explicit:1"));
        assertThat(c.apiToken()).contains("mine");
    }

    @Test
    void readsTheTokenFileWhenNoTokenVariableIsSet(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");
        assertThat(env(Map.of(Wire.ENV_API_TOKEN_FILE, file.toString())).build().apiToken()).contains("from-file");
        assertThat(env(Map.of(Wire.ENV_API_TOKEN_FILE, file.toString(), Wire.ENV_API_TOKEN, "var")).build()
                .apiToken()).contains("var");
    }

    @Test
    void anUnreadableTokenFileIsAClearError(@TempDir Path dir) {
        String missing = dir.resolve("nope").toString();
        assertThatThrownBy(() -> env(Map.of(Wire.ENV_API_TOKEN_FILE, missing)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Wire.ENV_API_TOKEN_FILE).hasMessageContaining(missing);
    }

    @Test
    void badUrlsAreRejectedWithTheExpectedShape() {
        assertThatThrownBy(() -> SidecarConfig.builder().baseUrl(URI.create("ftp://host:1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("baseUrl must be http(s)://host:port, got 'ftp://host:1'");
        assertThatThrownBy(() -> SidecarConfig.builder().baseUrl(URI.create("localhost:7311")))
                .hasMessageContaining("must be http(s)://host:port");
        assertThatThrownBy(() -> env(Map.of(Wire.ENV_WORKQUEUE_URL, "http://bad host")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Wire.ENV_WORKQUEUE_URL + " must be http(s)://host:port, got 'http://bad host'");
    }

    @Test
    void aBaseUrlIsRequiredWithoutDiscovery() {
        assertThatThrownBy(() -> SidecarConfig.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baseUrl is required");
    }

    @Test
    void rejectsOutOfRangeSettings() {
        SidecarConfig.Builder b = SidecarConfig.builder();
        assertThatThrownBy(() -> b.callTimeout(Duration.ZERO)).hasMessageContaining("callTimeout must be positive");
        assertThatThrownBy(() -> b.maxRetries(-1)).hasMessageContaining("maxRetries");
        assertThatThrownBy(() -> b.apiToken("a\nb")).hasMessageContaining("control characters");
        assertThatThrownBy(() -> b.circuitBreakerFailureRate(0)).hasMessageContaining("1..100");
        assertThatThrownBy(() -> b.maxAsyncCalls(0)).hasMessage("maxAsyncCalls must be 1..512, got 0");
        assertThatThrownBy(() -> b.maxAsyncCalls(513)).hasMessage("maxAsyncCalls must be 1..512, got 513");
        assertThat(b.baseUrl(URI.create("http://127.0.0.1:1")).build().maxAsyncCalls()).isEqualTo(64);
    }

    @Test
    void toStringNeverShowsTheToken() {
        assertThat(env(Map.of(Wire.ENV_API_TOKEN, "s3cret")).build().toString()).doesNotContain("s3cret")
                .contains("redacted");
    }
}
