package io.patternkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.workqueue.WorkQueueSettings;
import io.patternkit.sidecar.workqueue.exec.ExecSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WorkQueueCommandTest {
    /** What the command line says, as the host, the engine and the work queue receive it. */
    private record Parsed(HostSettings host, EngineSettings engine, WorkQueueSettings queue) {
    }

    private static Parsed parse(Map<String, String> env, String... args) {
        WorkQueueCommand command = new WorkQueueCommand();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        HostSettings host = command.host.settings(env);
        return new Parsed(host, command.engine.settings(env), command.workQueue.settings(host.maxBodyBytes()));
    }

    @Test
    void defaultsFollowTheWireConventions() {
        Parsed s = parse(Map.of(Wire.ENV_DATA, "/srv/pk"));
        assertThat(s.engine().kind()).isEqualTo(EngineSettings.EngineKind.SQLITE);
        assertThat(s.host().port()).isEqualTo(Wire.DEFAULT_WORKQUEUE_PORT);
        assertThat(s.host().bind()).isEqualTo("127.0.0.1");
        assertThat(s.engine().dataDir()).isEqualTo(Path.of("/srv/pk"));
        assertThat(s.host().maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(s.queue().maxItemBytes()).isEqualTo(256 * 1024);
        assertThat(s.queue().backoffBase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.queue().backoffMax()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.queue().dedupWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.queue().defaultMaxAttempts()).isEqualTo(5);
        assertThat(s.host().drainTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.host().token()).isEmpty();
        assertThat(s.queue().exec()).isEmpty();
    }

    @Test
    void optionsAndEnvironmentAreRead(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), "from-file\n");
        Parsed s = parse(Map.of(Wire.ENV_API_TOKEN_FILE, tokenFile.toString(), "PATTERNKIT_JDBC_PASSWORD", "pw"),
                "--engine", "postgres", "--jdbc-url", "jdbc:postgresql://db/x", "--port", "0", "--bind", "0.0.0.0", "--insecure-plaintext",
                "--backoff-base", "250ms", "--backoff-max", "PT2M", "--dedup-window", "1h", "--drain-timeout", "3s",
                "--default-max-attempts", "9", "--data", dir.toString());
        assertThat(s.engine().kind()).isEqualTo(EngineSettings.EngineKind.POSTGRES);
        assertThat(s.engine().jdbcPassword()).isEqualTo("pw");
        assertThat(s.host().token()).contains("from-file");
        assertThat(s.toString()).doesNotContain("from-file").doesNotContain("pw");
        assertThat(s.queue().backoffBase()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.queue().backoffMax()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.queue().dedupWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(s.queue().defaultMaxAttempts()).isEqualTo(9);
        assertThat(parse(Map.of(Wire.ENV_API_TOKEN, "env-token", Wire.ENV_API_TOKEN_FILE, tokenFile.toString())).host().token())
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
        assertThatThrownBy(() -> parse(Map.of(), "--engine", "postgres", "--jdbc-url", "jdbc:postgresql://app:s3cret@db/x"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("?user=USER")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> parse(Map.of(), "--engine", "postgres", "--jdbc-url", "jdbc:mysql://db/x"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("jdbc:postgresql:");
        assertThatThrownBy(() -> parse(Map.of(), "--drain-timeout", "soon")).isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void execTakesEverythingAfterItAsTheCommand() {
        Parsed s = parse(Map.of(), "--port", "0", "--exec-queue", "thumbnails", "--exec-concurrency", "3",
                "--exec", "sh", "-c", "convert \"$WORK_ITEM_FILE\" out.png", "--port", "-h");
        assertThat(s.host().port()).isZero();
        ExecSettings exec = s.queue().exec().orElseThrow();
        assertThat(exec.queue()).isEqualTo("thumbnails");
        assertThat(exec.command()).containsExactly("sh", "-c", "convert \"$WORK_ITEM_FILE\" out.png", "--port", "-h");
        assertThat(exec.concurrency()).isEqualTo(3);
        assertThat(exec.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(exec.visibility()).isEqualTo(Duration.ofSeconds(30));
        assertThat(exec.extendEvery()).isEqualTo(Duration.ofSeconds(10));
        assertThat(exec.killGrace()).isEqualTo(ExecSettings.DEFAULT_KILL_GRACE);

        ExecSettings other = parse(Map.of(), "--exec-timeout", "90s", "--exec-visibility", "1m", "--exec-queue", "q",
                "--exec", "--", "./stage.py", "--verbose").queue().exec().orElseThrow();
        assertThat(other.command()).containsExactly("./stage.py", "--verbose");
        assertThat(other.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(other.visibility()).isEqualTo(Duration.ofMinutes(1));
        assertThat(parse(Map.of(), "--exec-queue", "q", "--exec", "true").toString()).contains("exec=q -> true");
    }

    @Test
    void execMisuseIsAUsageErrorWithExitStatus2() {
        assertUsageError("--exec needs --exec-queue", "--exec", "true");
        assertUsageError("--exec-queue needs --exec", "--exec-queue", "q");
        assertUsageError("--exec needs a command", "--exec-queue", "q", "--exec");
        assertUsageError("--exec needs a command", "--exec-queue", "q", "--exec", "--");
        assertUsageError("--exec-concurrency needs --exec-queue", "--exec-concurrency", "2");
        assertUsageError("--exec-timeout needs --exec-queue", "--exec-timeout", "1m");
        assertUsageError("--exec-queue must be", "--exec-queue", "a/b", "--exec", "true");
        assertUsageError("--exec-concurrency must be 1 to 1000", "--exec-queue", "q", "--exec-concurrency", "0", "--exec", "true");
        assertUsageError("--exec-visibility must be", "--exec-queue", "q", "--exec-visibility", "1ms", "--exec", "true");
        assertUsageError("--exec-timeout must be", "--exec-queue", "q", "--exec-timeout", "0s", "--exec", "true");
    }

    private static void assertUsageError(String message, String... args) {
        StringWriter err = new StringWriter();
        List<String> line = new java.util.ArrayList<>(List.of("workqueue", "--port", "0"));
        line.addAll(List.of(args));
        // Preemptive: were the options accepted, the sidecar would start and run until SIGTERM.
        int code = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Main.commandLine().setErr(new PrintWriter(err, true)).execute(line.toArray(String[]::new)));
        assertThat(code).as("exit status of %s", line).isEqualTo(2);
        assertThat(err.toString()).contains(message);
    }
}
