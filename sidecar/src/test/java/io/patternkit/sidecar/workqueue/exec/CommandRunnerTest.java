package io.patternkit.sidecar.workqueue.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.sidecar.workqueue.exec.CommandResult.Ending;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CommandRunnerTest {
    private final CommandRunner runner = new CommandRunner(Duration.ofMillis(200));

    private CommandResult sh(String script, Duration timeout) {
        return runner.run(new ProcessBuilder("sh", "-c", script), timeout, "test");
    }

    @Test
    void reportsTheExitStatusAndTheLastNonBlankStderrLine() {
        CommandResult r = sh("echo out; echo first >&2; printf '  last  \\n\\n' >&2; exit 3", Duration.ofSeconds(20));
        assertThat(r.ending()).isEqualTo(Ending.EXITED);
        assertThat(r.exitStatus()).isEqualTo(3);
        assertThat(r.detail()).isEqualTo("last");
    }

    @Test
    void standardInputIsAtEndOfFile() {
        assertThat(sh("cat; exit 0", Duration.ofSeconds(20)).ending()).isEqualTo(Ending.EXITED);
    }

    @Test
    void aMissingProgramFailsToStart() {
        CommandResult r = runner.run(new ProcessBuilder("/no/such/program"), Duration.ofSeconds(1), "test");
        assertThat(r.ending()).isEqualTo(Ending.FAILED_TO_START);
        assertThat(r.detail()).startsWith("cannot start /no/such/program: ");
    }

    @Test
    void anInterruptKillsTheCommandAndIsReported() throws Exception {
        AtomicReference<Thread> caller = new AtomicReference<>();
        CompletableFuture<CommandResult> run = CompletableFuture.supplyAsync(() -> {
            caller.set(Thread.currentThread());
            return sh("echo started >&2; exec sleep 30", Duration.ofMinutes(1));
        });
        await().until(() -> caller.get() != null
                && caller.get().getState() == Thread.State.TIMED_WAITING);
        caller.get().interrupt();
        CommandResult r = run.get();
        assertThat(r.ending()).isEqualTo(Ending.INTERRUPTED);
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void linesAreSplitOnNewlinesAndCapped() throws Exception {
        List<String> lines = new ArrayList<>();
        String longLine = "y".repeat(CommandRunner.MAX_LINE_CHARS + 10);
        CommandRunner.readLines(new StringReader("a\r\nb\n\n" + longLine + "\nno newline"), lines::add);
        assertThat(lines).containsExactly("a", "b", "", "y".repeat(CommandRunner.MAX_LINE_CHARS), "no newline");
    }
}
