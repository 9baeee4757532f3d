package io.patternkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.protocol.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WorkQueueCommandTest {
    private static WorkQueueSettings parse(Map<String, String> env, String... args) {
        WorkQueueCommand command = new WorkQueueCommand();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return command.settings(env);
    }

    @Test
    void defaultsFollowTheWireConventions() {
        WorkQueueSettings s = parse(Map.of(Wire.ENV_DATA, "/srv/pk"));
        assertThat(s.engine()).isEqualTo(WorkQueueSettings.EngineKind.SQLITE);
        assertThat(s.port()).isEqualTo(Wire.DEFAULT_WORKQUEUE_PORT);
        assertThat(s.bind()).isEqualTo("127.0.0.1");
        assertThat(s.dataDir()).isEqualTo(Path.of("/srv/pk"));
        assertThat(s.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(s.maxItemBytes()).isEqualTo(256 * 1024);
        assertThat(s.backoffBase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.backoffMax()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.dedupWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.defaultMaxAttempts()).isEqualTo(5);
        assertThat(s.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.token()).isEmpty();
    }

    @Test
    void optionsAndEnvironmentAreRead(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), "from-file\n");
        WorkQueueSettings s = parse(Map.of(Wire.ENV_API_TOKEN_FILE, tokenFile.toString(), "PATTERNKIT_JDBC_PASSWORD", "pw"),
                "--engine", "postgres", "--jdbc-url", "jdbc:postgresql://db/x", "--port", "0", "--bind", "0.0.0.0",
                "--backoff-base", "250ms", "--backoff-max", "PT2M", "--dedup-window", "1h", "--drain-timeout", "3s",
                "--default-max-attempts", "9", "--data", dir.toString());
        assertThat(s.engine()).isEqualTo(WorkQueueSettings.EngineKind.POSTGRES);
        assertThat(s.jdbcPassword()).isEqualTo("pw");
        assertThat(s.token()).contains("from-file");
        assertThat(s.toString()).doesNotContain("from-file").doesNotContain("pw");
        assertThat(s.backoffBase()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.backoffMax()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.dedupWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(s.defaultMaxAttempts()).isEqualTo(9);
        assertThat(parse(Map.of(Wire.ENV_API_TOKEN, "env-token", Wire.ENV_API_TOKEN_FILE, tokenFile.toString())).token())
                .contains("env-token");
    }

    @Test
    void outOfRangeOptionsAreRejected() {
        assertThatThrownBy(() -> parse(Map.of(), "--port", "70000")).isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse(Map.of(), "--backoff-base", "-1s")).isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse(Map.of(), "--backoff-base", "10s", "--backoff-max", "1s"))
                .isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse(Map.of(), "--default-max-attempts", "0")).isInstanceOf(CommandLine.ParameterException.class);
        assertThatThrownBy(() -> parse(Map.of(), "--engine", "postgres")).hasMessageContaining("--jdbc-url");
        assertThatThrownBy(() -> parse(Map.of(), "--drain-timeout", "soon")).isInstanceOf(CommandLine.ParameterException.class);
    }
}
