package io.patternkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.leader.LeaderSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LeaderCommandTest {
    /** What the command line says, as the host, the engine and leader election receive it. */
    private record Parsed(HostSettings host, EngineSettings engine, LeaderSettings leader) {
    }

    private static Parsed parse(Map<String, String> env, String... args) {
        LeaderCommand command = new LeaderCommand();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return new Parsed(command.host.settings(env), command.engine.settings(env), command.leader.settings());
    }

    @Test
    void defaultsFollowClientGoAndTheWireConventions() {
        Parsed s = parse(Map.of(Wire.ENV_DATA, "/srv/pk"));
        assertThat(s.engine().kind()).isEqualTo(EngineSettings.EngineKind.SQLITE);
        assertThat(s.host().port()).isEqualTo(Wire.DEFAULT_LEADER_PORT);
        assertThat(s.host().bind()).isEqualTo("127.0.0.1");
        assertThat(s.engine().dataDir()).isEqualTo(Path.of("/srv/pk"));
        assertThat(s.leader().timing().leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.leader().timing().renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.leader().timing().retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.leader().election()).isEqualTo("default");
        assertThat(s.leader().id()).isEmpty();
        assertThat(s.host().token()).isEmpty();
    }

    @Test
    void optionsAndEnvironmentAreRead() {
        Parsed s = parse(Map.of(Wire.ENV_API_TOKEN, "secret-token", "PATTERNKIT_JDBC_PASSWORD", "pw"),
                "--engine", "kubernetes", "--namespace", "jobs", "--kube-master", "http://127.0.0.1:6443",
                "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "500ms",
                "--election", "report-writer", "--id", "pod-7", "--port", "0");
        assertThat(s.engine().kind()).isEqualTo(EngineSettings.EngineKind.KUBERNETES);
        assertThat(s.engine().namespace()).isEqualTo("jobs");
        assertThat(s.engine().kubeMaster()).isEqualTo("http://127.0.0.1:6443");
        assertThat(s.leader().timing().retryPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.leader().election()).isEqualTo("report-writer");
        assertThat(s.leader().id()).contains("pod-7");
        assertThat(s.toString()).doesNotContain("secret-token").doesNotContain("pw");
    }

    @Test
    void clientGosDurationRulesAreEnforcedWithClearMessages() {
        assertThatThrownBy(() -> parse(Map.of(), "--lease-duration", "10s", "--renew-deadline", "10s"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--renew-deadline")
                .hasMessageContaining("shorter than --lease-duration");
        assertThatThrownBy(() -> parse(Map.of(), "--retry-period", "10s"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("shorter than --renew-deadline");
        assertThatThrownBy(() -> parse(Map.of(), "--lease-duration", "500ms", "--renew-deadline", "400ms", "--retry-period", "100ms"))
                .hasMessageContaining("at least 1s");
    }

    @Test
    void badNamesAndMissingEngineSettingsAreRejected() {
        assertThatThrownBy(() -> parse(Map.of(), "--election", "Not_Valid")).hasMessageContaining("--election");
        assertThatThrownBy(() -> parse(Map.of(), "--id", "has space")).hasMessageContaining("--id");
        assertThatThrownBy(() -> parse(Map.of(), "--engine", "postgres")).hasMessageContaining("--jdbc-url");
        assertThatThrownBy(() -> parse(Map.of(), "--port", "70000")).hasMessageContaining("--port");
    }
}
