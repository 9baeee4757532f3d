package io.patternkit.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.patternkit.protocol.Wire;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.host.PatternModule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunCommandTest {
    private static RunCommand parse(String... args) {
        RunCommand command = new RunCommand();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return command;
    }

    @Test
    void servesEveryPatternOnTheOneSidecarsPortByDefault() {
        RunCommand command = parse();
        HostSettings host = command.host.settings(Map.of());
        assertThat(host.port()).isEqualTo(Wire.DEFAULT_SIDECAR_PORT);
        assertThat(host.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(command.modules(host)).extracting(PatternModule::name).containsExactly("workqueue", "leader", "scatter", "checkpoint",
                "ambassador", "adapter", "scale");
    }

    @Test
    void servesTheNamedPatternsWithTheirOwnOptions() {
        RunCommand command = parse("--patterns", "leader,scatter", "--port", "0", "--lease-duration", "3s",
                "--renew-deadline", "2s", "--retry-period", "500ms", "--default-deadline", "2s");
        HostSettings host = command.host.settings(Map.of());
        assertThat(command.modules(host)).extracting(PatternModule::name).containsExactly("leader", "scatter");
        assertThat(command.leader.settings().timing().leaseDuration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(command.scatter.settings().defaultDeadline()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void unknownRepeatedOrUnservedPatternsAreUsageErrors() {
        assertUsageError("--patterns: unknown pattern 'queue'; known: workqueue, leader, scatter", "--patterns", "queue");
        assertUsageError("--patterns names leader twice", "--patterns", "leader,leader");
        assertUsageError("--exec-queue belongs to the workqueue pattern, which --patterns does not include",
                "--patterns", "leader", "--exec-queue", "q", "--exec", "true");
        assertUsageError("--lease-duration belongs to the leader pattern", "--patterns", "workqueue,scatter", "--lease-duration", "3s");
        assertUsageError("--upstream belongs to the ambassador pattern", "--patterns", "scatter", "--upstream", "a=7401:http://h");
        assertUsageError("--upstream 'a:http://h' must be NAME=PORT:URL[,URL...]", "--patterns", "ambassador", "--upstream", "a:http://h");
        assertUsageError("--max-item-bytes must be 1 to --max-body-bytes", "--max-body-bytes", "2048", "--max-item-bytes", "4096");
    }

    private static void assertUsageError(String message, String... args) {
        StringWriter err = new StringWriter();
        List<String> line = new ArrayList<>(List.of("run", "--port", "0"));
        line.addAll(List.of(args));
        // Preemptive: were the options accepted, the sidecar would start and run until SIGTERM.
        int code = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Main.commandLine().setErr(new PrintWriter(err, true)).execute(line.toArray(String[]::new)));
        assertThat(code).as("exit status of %s", line).isEqualTo(2);
        assertThat(err.toString()).contains(message);
    }
}
