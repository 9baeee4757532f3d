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
 * <epochMicros> <candidateId> [detail]}, the time taken with {@link Instant#now()} (the machine's
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
     * @param id the candidate id, printed on every event
     * @param election the contender's election
     */
    static void serve(String id, Election election) {
        try {
            election.join();
            emit("JOINED", id, "");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.trim()) {
                    case "RESIGN" -> {
                        emit("RESIGNING", id, "");
                        election.resign();
                        emit("RESIGNED", id, "");
                    }
                    case "JOIN" -> {
                        election.join();
                        emit("JOINED", id, "");
                    }
                    case "" -> {
                    }
                    default -> emit("ERROR", id, "unknown command " + line.trim());
                }
            }
        } catch (Exception e) {
            emit("ERROR", id, e.toString());
        }
        Runtime.getRuntime().halt(0);
    }

    /**
     * Prints one event line, stamped now.
     *
     * @param kind {@code ELECTED}, {@code LOST}, ...
     * @param id the candidate id
     * @param detail free text without line breaks; empty for none
     */
    static void emit(String kind, String id, String detail) {
        long micros = epochMicros(Instant.now());
        String line = "EVENT " + kind + " " + micros + " " + id + (detail.isEmpty() ? "" : " " + detail.replace('\n', ' '));
        synchronized (OUT) {
            OUT.println(line);
        }
    }

    /** Microseconds since the epoch. */
    static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
