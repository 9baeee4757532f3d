package io.patternkit.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patternkit.management.ManagementCalls.Reply;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.io.IOException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The config, metrics, logs and loggers endpoints over real HTTP, every answer checked against the OpenAPI contract. */
class UpwardApiEndpointsTest {
    private static final String TOKEN = "mgmt-token-2";
    private static final Logger log = LoggerFactory.getLogger("io.patternkit.test.upward");
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private ManagementServer server;
    private ManagementServer.Mount logs;
    private ManagementCalls calls;

    @BeforeEach
    void start() {
        server = ManagementServer.builder().apiToken(TOKEN).build().start();
        Map<String, String> env = Map.of(
                "PATTERNKIT_API_TOKEN", "tok-s3cr3t",
                "PATTERNKIT_SIDECAR_URL", "http://127.0.0.1:7070",
                "PATTERNKIT_JDBC_URL", "jdbc:postgresql://app:pw-s3cr3t@db:5432/q?sslmode=require&password=pw2-s3cr3t",
                // Found by an audit: no user, and a password with an unescaped '@', were shown whole or in part.
                "PATTERNKIT_CACHE_URL", "redis://:s3cr3t@cache:6379/0",
                "PATTERNKIT_STORE_URL", "postgresql://app:p@ss-s3cr3t@db/x",
                "PATTERNKIT_ADMIN_URL", "postgres://admin@corp:s3cr3t@db:5432/x?a=b@c",
                "HOME", "/root");
        Properties props = new Properties();
        props.setProperty("patternkit.db.password", "pw3-s3cr3t");
        props.setProperty("patternkit.queue", "files");
        props.setProperty("user.name", "someone");
        server.mount(ConfigEndpoint.PATH, new ConfigEndpoint(() -> env, () -> props));
        MetricsEndpoint.mount(server, registry);
        logs = LogsEndpoint.mount(server, 50);
        calls = new ManagementCalls(server, TOKEN);
    }

    @AfterEach
    void stop() {
        logs.close();
        server.close();
    }

    @Test
    void configListsPatternkitSettingsAndNeverASecret() throws IOException {
        Reply reply = calls.call("GET", ConfigEndpoint.PATH, null, true);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).doesNotContain("s3cr3t").doesNotContain("HOME").doesNotContain("user.name");
        JsonNode env = reply.json().get("environment");
        assertThat(env.get("PATTERNKIT_API_TOKEN").asText()).isEqualTo(ConfigEndpoint.REDACTED);
        assertThat(env.get("PATTERNKIT_SIDECAR_URL").asText()).isEqualTo("http://127.0.0.1:7070");
        assertThat(env.get("PATTERNKIT_JDBC_URL").asText())
                .isEqualTo("jdbc:postgresql://app:******@db:5432/q?sslmode=require&password=******");
        assertThat(env.get("PATTERNKIT_CACHE_URL").asText()).isEqualTo("redis://:******@cache:6379/0");
        assertThat(env.get("PATTERNKIT_STORE_URL").asText()).isEqualTo("postgresql://app:******@db/x");
        assertThat(env.get("PATTERNKIT_ADMIN_URL").asText()).isEqualTo("postgres://admin@corp:******@db:5432/x?a=b@c");
        JsonNode props = reply.json().get("systemProperties");
        assertThat(props.get("patternkit.db.password").asText()).isEqualTo(ConfigEndpoint.REDACTED);
        assertThat(props.get("patternkit.queue").asText()).isEqualTo("files");
        assertThat(calls.call("GET", ConfigEndpoint.PATH, null, false).status()).isEqualTo(401);
    }

    @Test
    void metricsServeTheRegistryInPrometheusTextOrOpenMetrics() throws IOException {
        Counter.builder("app.files.indexed").register(registry).increment(3);

        Reply text = calls.call("GET", MetricsEndpoint.PATH, null, true);
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.contentType()).startsWith("text/plain; version=0.0.4");
        assertThat(text.body()).contains("app_files_indexed_total 3.0");

        Reply open = calls.call("GET", MetricsEndpoint.PATH, null, true,
                Map.of("Accept", "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5"));
        assertThat(open.contentType()).startsWith("application/openmetrics-text");
        assertThat(open.body()).contains("app_files_indexed_total 3.0").endsWith("# EOF\n");
        assertThat(calls.call("GET", MetricsEndpoint.PATH, null, false).status()).isEqualTo(401);
    }

    @Test
    void logsAnswerTheNewestLinesAtOrAboveALevel() throws IOException {
        calls.call("POST", LogsEndpoint.LOGGERS_PATH, "{\"logger\":\"io.patternkit.test.upward\",\"level\":\"INFO\"}", true);
        for (int i = 0; i < 60; i++) {
            log.info("line {}", i);
        }
        log.warn("disk almost full", new IllegalStateException("97%"));

        Reply newest = calls.call("GET", LogsEndpoint.LOGS_PATH + "?lines=3", null, true);
        assertThat(newest.status()).isEqualTo(200);
        JsonNode lines = newest.json().get("lines");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("message").asText()).isEqualTo("line 58");
        assertThat(lines.get(2).get("level").asText()).isEqualTo("WARN");
        assertThat(lines.get(2).get("exception").asText()).isEqualTo("java.lang.IllegalStateException: 97%");
        assertThat(lines.get(2).get("logger").asText()).isEqualTo("io.patternkit.test.upward");

        Reply warnings = calls.call("GET", LogsEndpoint.LOGS_PATH + "?level=warn&lines=50", null, true);
        assertThat(warnings.json().get("lines")).hasSize(1);
        Reply all = calls.call("GET", LogsEndpoint.LOGS_PATH + "?lines=1000", null, true);
        assertThat(all.json().get("lines")).as("the buffer keeps 50").hasSize(50);
        assertThat(calls.call("GET", LogsEndpoint.LOGS_PATH, null, false).status()).isEqualTo(401);
        calls.call("POST", LogsEndpoint.LOGGERS_PATH, "{\"logger\":\"io.patternkit.test.upward\",\"level\":null}", true);
    }

    @Test
    void aLoggersLevelChangesAtRuntimeAndClearsBackToInheriting() throws IOException {
        assertThat(log.isDebugEnabled()).isFalse();

        Reply set = calls.call("POST", LogsEndpoint.LOGGERS_PATH, "{\"logger\":\"io.patternkit.test\",\"level\":\"DEBUG\"}", true);
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().get("state").get("configuredLevel").asText()).isEqualTo("DEBUG");
        assertThat(log.isDebugEnabled()).isTrue();
        JsonNode listed = calls.call("GET", LogsEndpoint.LOGGERS_PATH, null, true).json().get("loggers");
        assertThat(listed.get("io.patternkit.test.upward").get("effectiveLevel").asText()).isEqualTo("DEBUG");

        Reply cleared = calls.call("POST", LogsEndpoint.LOGGERS_PATH, "{\"logger\":\"io.patternkit.test\",\"level\":null}", true);
        assertThat(cleared.json().get("state").get("configuredLevel").isNull()).isTrue();
        assertThat(log.isDebugEnabled()).isFalse();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "GET|/patternkit/logs?lines=0|",
        "GET|/patternkit/logs?lines=100001|",
        "GET|/patternkit/logs?lines=x|",
        "GET|/patternkit/logs?level=LOUD|",
        "POST|/patternkit/loggers|{\"logger\":\"io.patternkit\",\"level\":\"LOUD\"}",
        "POST|/patternkit/loggers|{\"logger\":\"io.patternkit\"}",
        "POST|/patternkit/loggers|{\"logger\":\"ROOT\",\"level\":null}",
        "POST|/patternkit/loggers|{\"logger\":\"a b\",\"level\":\"INFO\"}",
        "POST|/patternkit/loggers|{\"logger\":\"io.patternkit\",\"level\":\"INFO\",\"x\":1}",
        "POST|/patternkit/loggers|{\"logger\":\"io.patternkit\",\"level\":5}",
        "POST|/patternkit/loggers|[]",
        "POST|/patternkit/loggers|{",
    })
    void badInputIsA400Problem(String method, String path, String body) throws IOException {
        Reply reply = calls.call(method, path, body, true);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith(Wire.PROBLEM_JSON);
        assertThat(reply.json().get("type").asText()).isEqualTo(ProblemType.INVALID_REQUEST.uri());
    }

    @Test
    void otherMethodsAre405() throws IOException {
        assertThat(calls.call("DELETE", LogsEndpoint.LOGGERS_PATH, null, true).raw().header("Allow")).isEqualTo("GET, POST");
        assertThat(calls.call("POST", ConfigEndpoint.PATH, "{}", true).status()).isEqualTo(405);
        assertThat(calls.call("POST", MetricsEndpoint.PATH, "{}", true).status()).isEqualTo(405);
        assertThat(calls.call("POST", LogsEndpoint.LOGS_PATH, "{}", true).status()).isEqualTo(405);
    }
}
