package io.patternkit.sidecar.workqueue.exec;

import io.patternkit.sidecar.workqueue.NackCommand;
import java.time.Duration;

/**
 * What a command's end means for its item, following sysexits.h: {@value #EX_OK} acks,
 * {@value #EX_DATAERR} (EX_DATAERR, the input is bad) dead-letters at once, {@value #EX_TEMPFAIL}
 * (EX_TEMPFAIL) and every other status retry with the sidecar's backoff. A timeout retries with
 * backoff; a command stopped by a drain is released for another worker at once.
 *
 * @param outcome the outcome, as counted in the metrics
 * @param nack the nack to send, or null to ack
 */
public record Verdict(Outcome outcome, NackCommand nack) {
    /** Success: the item is acked. */
    public static final int EX_OK = 0;
    /** The input data was incorrect: the item is poison and is dead-lettered at once. */
    public static final int EX_DATAERR = 65;
    /** A temporary failure: the item is retried after backoff (as is any other non-zero status). */
    public static final int EX_TEMPFAIL = 75;
    /** Longest stderr excerpt in a reason, in characters. */
    public static final int MAX_STDERR_CHARS = 512;

    /** What happened to an item, one counter each. */
    public enum Outcome {
        /** The command exited 0 and the item was acked. */
        ACKED("acked"),
        /** The command failed (or could not start) and the item was nacked for a retry with backoff. */
        RETRIED("retried"),
        /** The command exited 65, or failed on the item's last attempt, and the item was dead-lettered. */
        DEAD_LETTERED("dead_lettered"),
        /** The command ran past its timeout, was killed, and the item was nacked for a retry with backoff. */
        TIMED_OUT("timed_out"),
        /** The sidecar drained while the command ran; it was killed and the item released at once. */
        RELEASED("released");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        /** @return the metrics tag value, such as {@code dead_lettered} */
        public String tag() {
            return tag;
        }
    }

    /**
     * Decides what to do with an item after its command ended.
     *
     * @param result how the command ended
     * @param timeout the timeout it ran under, named in the reason of a timeout
     * @return the verdict, never null
     */
    public static Verdict of(CommandResult result, Duration timeout) {
        return switch (result.ending()) {
            case EXITED -> switch (result.exitStatus()) {
                case EX_OK -> new Verdict(Outcome.ACKED, null);
                case EX_DATAERR -> new Verdict(Outcome.DEAD_LETTERED, new NackCommand(null, true, exitReason(result)));
                default -> new Verdict(Outcome.RETRIED, new NackCommand(null, false, exitReason(result)));
            };
            case TIMED_OUT -> new Verdict(Outcome.TIMED_OUT, new NackCommand(null, false, "timed out after " + format(timeout)));
            case INTERRUPTED -> new Verdict(Outcome.RELEASED, new NackCommand(0L, false, "released because the sidecar is draining"));
            case FAILED_TO_START -> new Verdict(Outcome.RETRIED, new NackCommand(null, false, truncate(result.detail())));
        };
    }

    /**
     * The verdict for an item claimed while the sidecar began to drain: released at once, unrun.
     *
     * @return the verdict, never null
     */
    public static Verdict released() {
        return of(new CommandResult(CommandResult.Ending.INTERRUPTED, -1, "", Duration.ZERO), Duration.ZERO);
    }

    private static String exitReason(CommandResult result) {
        String reason = "exit status " + result.exitStatus();
        // U+0000 left out: PostgreSQL's text cannot store it, and the nack would be refused.
        String detail = result.detail().replace("\0", "");
        return detail.isEmpty() ? reason : reason + ": " + truncate(detail);
    }

    private static String truncate(String text) {
        if (text.length() <= MAX_STDERR_CHARS) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_STDERR_CHARS - 1)) ? MAX_STDERR_CHARS - 1 : MAX_STDERR_CHARS;
        return text.substring(0, end);
    }

    /** Formats a duration the way the options take it: {@code 10m}, {@code 30s}, {@code 1500ms}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
