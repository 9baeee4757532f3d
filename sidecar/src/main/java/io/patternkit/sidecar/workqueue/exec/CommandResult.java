package io.patternkit.sidecar.workqueue.exec;

import java.time.Duration;

/**
 * How one run of a command ended.
 *
 * @param ending how it ended
 * @param exitStatus the exit status when {@link Ending#EXITED}, otherwise -1
 * @param detail the last non-blank line the command wrote to stderr, or why it could not start;
 *     empty when there is none
 * @param duration from start to the end of the process (including a kill)
 */
public record CommandResult(Ending ending, int exitStatus, String detail, Duration duration) {

    /** How a run ended. */
    public enum Ending {
        /** The process exited by itself (a process killed by a signal reports 128 + the signal number). */
        EXITED,
        /** The process ran past its timeout and was killed. */
        TIMED_OUT,
        /** The caller's thread was interrupted (a drain that stopped waiting) and the process was killed. */
        INTERRUPTED,
        /** The process could not be started (no such program, not executable). */
        FAILED_TO_START
    }
}
