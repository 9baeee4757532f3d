package io.patternkit.bench.leader;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The candidate side of the harness's line protocol, shared by every contender's candidate main.
 *
 * <p>A candidate process prints one line per event on standard output, {@code EVENT <kind>
 * at=<ISO-8601 instant> [detail]} (the event lines of {@link io.patternkit.testing.AppProcess}, which
 * names each candidate's events by its id), the time taken with {@link Instant#now()} (the machine's
 * clock, which the harness reads too) at the moment the event happens: {@code JOINED} once it
 * campaigns, {@code ELECTED} in the library's elected callback, {@code LOST} when the library says
 * leadership ended, {@code RESIGNING} right before it calls the library's resign/close,
 * {@code RESIGNED} when that call returned, {@code INFO} and {@code ERROR} for the log. It reads
 * commands from standard input, one per line: {@code RESIGN} (give up leadership or candidacy and
 * stay idle), {@code JOIN} (campaign again). End of input (the harness went away) halts the process
 * at once, without releasing anything, so no candidate outlives its harness.
 */
final class CandidateRuntime {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    /** What a contender's candidate does on the harness's commands. */
    interface Election {
        /**
         * Starts campaigning and returns without waiting to be elected; the elected callback
         * reports {@code ELECTED} later through {@link CandidateRuntime#emit}.
         *
         * @throws Exception when the library cannot start
         */
        void join() throws Exception;

        /**
         * Gives up leadership (releasing the lease or lock at once where the library can) or
         * candidacy, and returns when the library's call returned.
         *
         * @throws Exception when the library's call fails
         */
        void resign() throws Exception;
    }

    private CandidateRuntime() {
    }

    /**
     * Joins the election, then serves the harness's commands until standard input ends.
     *
     * @param election the contender's election
     */
    static void serve(Election election) {
        try {
            election.join();
            emit("JOINED", "");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.trim()) {
                    case "RESIGN" -> {
                        emit("RESIGNING", "");
                        election.resign();
                        emit("RESIGNED", "");
                    }
                    case "JOIN" -> {
                        election.join();
                        emit("JOINED", "");
                    }
                    case "" -> {
                    }
                    default -> emit("ERROR", "unknown command " + line.trim());
                }
            }
        } catch (Exception e) {
            emit("ERROR", e.toString());
        }
        Runtime.getRuntime().halt(0);
    }

    /**
     * Prints one event line, stamped now.
     *
     * @param kind {@code ELECTED}, {@code LOST}, ...
     * @param detail free text without line breaks; empty for none
     */
    static void emit(String kind, String detail) {
        String line = "EVENT " + kind + " at=" + Instant.now() + (detail.isEmpty() ? "" : " " + detail.replace('\n', ' '));
        synchronized (OUT) {
            OUT.println(line);
        }
    }

    /** Microseconds since the epoch. */
    static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
