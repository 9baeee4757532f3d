package io.patternkit.sidecar.workqueue.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.sidecar.workqueue.NackCommand;
import io.patternkit.sidecar.workqueue.exec.CommandResult.Ending;
import io.patternkit.sidecar.workqueue.exec.Verdict.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VerdictTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private static Verdict exited(int status, String stderr) {
        return Verdict.of(new CommandResult(Ending.EXITED, status, stderr, Duration.ofMillis(5)), TIMEOUT);
    }

    @Test
    void exitStatusesFollowSysexits() {
        assertThat(exited(0, "warning: ignored")).isEqualTo(new Verdict(Outcome.ACKED, null));
        assertThat(exited(65, "not a PNG")).isEqualTo(new Verdict(Outcome.DEAD_LETTERED,
                new NackCommand(null, true, "exit status 65: not a PNG")));
        assertThat(exited(75, "database busy")).isEqualTo(new Verdict(Outcome.RETRIED,
                new NackCommand(null, false, "exit status 75: database busy")));
        assertThat(exited(1, "")).isEqualTo(new Verdict(Outcome.RETRIED, new NackCommand(null, false, "exit status 1")));
        assertThat(exited(143, "").nack().reason()).isEqualTo("exit status 143");
    }

    @Test
    void theStderrLineIsCutTo512Characters() {
        String reason = exited(2, "x".repeat(600)).nack().reason();
        assertThat(reason).isEqualTo("exit status 2: " + "x".repeat(512));
        String emoji = "x".repeat(511) + "\uD83D\uDE00" + "tail";
        assertThat(exited(2, emoji).nack().reason()).isEqualTo("exit status 2: " + "x".repeat(511));
    }

    @Test
    void aNulInTheStderrLineIsLeftOutOfTheReason() {
        // PostgreSQL's text cannot store U+0000: the nack carrying it would be refused, the item left to wait.
        assertThat(exited(65, "bad\0 input").nack().reason()).isEqualTo("exit status 65: bad input");
        assertThat(exited(1, "\0").nack().reason()).isEqualTo("exit status 1");
    }

    @Test
    void timeoutsRetryWithBackoffAndDrainsReleaseAtOnce() {
        assertThat(Verdict.of(new CommandResult(Ending.TIMED_OUT, -1, "still working", Duration.ofMinutes(10)), TIMEOUT))
                .isEqualTo(new Verdict(Outcome.TIMED_OUT, new NackCommand(null, false, "timed out after 10m")));
        assertThat(Verdict.released().outcome()).isEqualTo(Outcome.RELEASED);
        assertThat(Verdict.released().nack().delayMs()).isZero();
        assertThat(Verdict.released().nack().deadLetter()).isFalse();
        Verdict unstartable = Verdict.of(new CommandResult(Ending.FAILED_TO_START, -1, "cannot start /no/such: error=2",
                Duration.ZERO), TIMEOUT);
        assertThat(unstartable).isEqualTo(new Verdict(Outcome.RETRIED, new NackCommand(null, false, "cannot start /no/such: error=2")));
    }

    @Test
    void durationsAreWrittenTheWayTheOptionsTakeThem() {
        assertThat(Verdict.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Verdict.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Verdict.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Verdict.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Verdict.format(Duration.ZERO)).isEqualTo("0s");
    }
}
