package io.patternkit.sidecar.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterConfigTest {
    @TempDir
    Path dir;

    private AdapterConfig load(String json) throws IOException {
        return AdapterConfig.load(Files.writeString(dir.resolve("adapter.json"), json));
    }

    @Test
    void readsChecksWithKubernetesDefaults() throws IOException {
        CheckSpec check = load("{\"checks\": [{\"name\": \"pg\", \"probe\": \"ready\", \"jdbc\": {\"url\": \"jdbc:postgresql://db/app?sslmode=require\","
                + " \"user\": \"app\", \"passwordEnv\": \"PGPASSWORD\"}}]}").checks().get(0);
        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(check.failureThreshold()).isEqualTo(3);
        assertThat(check.successThreshold()).isEqualTo(1);
        assertThat(check.jdbc().orElseThrow().query()).isEqualTo("SELECT 1");
        assertThat(check.jdbc().orElseThrow().redactedUrl()).isEqualTo("jdbc:postgresql://db/app?...");
    }

    @Test
    void needsAnHttpClientOnlyForHttpChecksAndScrapes() throws IOException {
        assertThat(AdapterConfig.EMPTY.readsOverHttp()).isFalse();
        assertThat(load("{\"checks\": [{\"name\": \"port\", \"probe\": \"live\", \"tcp\": {\"host\": \"127.0.0.1\", \"port\": 8080}}]}")
                .readsOverHttp()).isFalse();
        assertThat(load("{\"checks\": [{\"name\": \"port\", \"probe\": \"live\", \"tcp\": {\"host\": \"127.0.0.1\", \"port\": 8080}},"
                + " {\"name\": \"web\", \"probe\": \"ready\", \"http\": {\"url\": \"http://127.0.0.1:8080/ready\"}}]}").readsOverHttp()).isTrue();
        assertThat(load("{\"scrapes\": [{\"name\": \"app\", \"url\": \"http://127.0.0.1:8080/metrics\"}]}").readsOverHttp()).isTrue();
    }

    @Test
    void takesTheJmxExportersConfigInlineOrAsItsFile() throws IOException {
        AdapterConfig inline = load("{\"jmx\": {\"config\": {\"hostPort\": \"127.0.0.1:9010\", \"rules\": [{\"pattern\": \".*\"}]}}}");
        assertThat(inline.jmx().orElseThrow().yaml()).contains("\"hostPort\":\"127.0.0.1:9010\"");
        Path rules = Files.writeString(dir.resolve("jmx.yaml"), "hostPort: 127.0.0.1:9010\nrules:\n  - pattern: \".*\"\n");
        AdapterConfig file = load("{\"jmx\": {\"rulesFile\": \"" + rules + "\"}}");
        assertThat(file.jmx().orElseThrow().yaml()).startsWith("hostPort: 127.0.0.1:9010");
        assertThatThrownBy(() -> load("{\"jmx\": {}}")).hasMessageContaining("exactly one of rulesFile");
    }

    @Test
    void refusesAmbiguousOrMalformedChecks() {
        assertThatThrownBy(() -> load("{\"checks\": [{\"name\": \"a\", \"probe\": \"ready\", \"command\": [\"true\"],"
                + " \"tcp\": {\"host\": \"h\", \"port\": 1}}]}")).hasMessageContaining("give exactly one of http, tcp, command and jdbc");
        assertThatThrownBy(() -> load("{\"checks\": [{\"name\": \"a\", \"probe\": \"startup\", \"command\": [\"true\"]}]}"))
                .hasMessageContaining("probe must be live, ready or started");
        assertThatThrownBy(() -> load("{\"checks\": [{\"name\": \"a\", \"probe\": \"live\", \"command\": [\"true\"], \"period\": \"1s\"}]}"))
                .hasMessageContaining("checks[0].period: unknown setting");
        assertThatThrownBy(() -> load("{\"checks\": [{\"name\": \"a\", \"probe\": \"live\", \"http\": {\"url\": \"ftp://h\"}}]}"))
                .hasMessageContaining("http.url must be an http or https URL");
        assertThatThrownBy(() -> load("{\"checks\": [{\"name\": \"a\", \"probe\": \"live\", \"command\": [\"true\"], \"timeout\": \"20s\"}]}"))
                .hasMessageContaining("timeout must be 1ms to interval");
        assertThatThrownBy(() -> load("{\"checks\": [{\"name\": \"a\", \"probe\": \"live\", \"command\": [\"true\"]},"
                + "{\"name\": \"a\", \"probe\": \"ready\", \"command\": [\"true\"]}]}")).hasMessageContaining("two checks are named a");
    }
}
