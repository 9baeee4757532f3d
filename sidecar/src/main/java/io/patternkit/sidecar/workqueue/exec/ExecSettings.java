package io.patternkit.sidecar.workqueue.exec;

import io.patternkit.protocol.NameRule;

import io.patternkit.protocol.Wire;
import java.time.Duration;
import java.util.List;

/**
 * How the sidecar runs a command per item. Immutable.
 *
 * @param queue the queue to consume, a valid queue name
 * @param command the program and its arguments, run without a shell; never empty
 * @param concurrency most commands running at once, 1 to {@link Wire#MAX_BATCH}
 * @param timeout longest run of one command before it is killed and its item nacked
 * @param visibility the claim's visibility timeout, extended at a third of it while the command runs
 * @param killGrace how long a command gets between SIGTERM and SIGKILL
 */
public record ExecSettings(String queue, List<String> command, int concurrency, Duration timeout,
                           Duration visibility, Duration killGrace) {

    /** The grace between SIGTERM and SIGKILL used by the command line. */
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);

    /**
     * Validates the settings and copies the command.
     *
     * @param queue the queue to consume, a valid queue name
     * @param command the program and its arguments, run without a shell; never empty
     * @param concurrency most commands running at once, 1 to {@link Wire#MAX_BATCH}
     * @param timeout longest run of one command before it is killed and its item nacked
     * @param visibility the claim's visibility timeout, extended at a third of it while the command runs
     * @param killGrace how long a command gets between SIGTERM and SIGKILL
     * @throws IllegalArgumentException when a value is out of range
     */
    public ExecSettings {
        if (!NameRule.QUEUE.matches(queue)) {
            throw new IllegalArgumentException("the queue must be " + NameRule.QUEUE.rule());
        }
        command = List.copyOf(command);
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new IllegalArgumentException("the command must name a program");
        }
        if (concurrency < 1 || concurrency > Wire.MAX_BATCH) {
            throw new IllegalArgumentException("the concurrency must be 1 to " + Wire.MAX_BATCH);
        }
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("the timeout must be at least 1ms");
        }
        if (visibility.toMillis() < 3 || visibility.toMillis() > Wire.MAX_VISIBILITY_MS) {
            throw new IllegalArgumentException("the visibility must be 3ms to 12h");
        }
        if (killGrace.isNegative()) {
            throw new IllegalArgumentException("the kill grace must not be negative");
        }
    }

    /** @return how often a running command's claim is extended: a third of the visibility */
    public Duration extendEvery() {
        return visibility.dividedBy(3);
    }
}
