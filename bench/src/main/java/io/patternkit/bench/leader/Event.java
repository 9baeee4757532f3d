package io.patternkit.bench.leader;

/**
 * One line of a candidate's output, as the harness parsed it.
 *
 * @param kind {@code JOINED}, {@code ELECTED}, {@code LOST}, {@code RESIGNING}, {@code RESIGNED},
 *     {@code INFO}, {@code ERROR}, or {@code EXITED} (made up by the harness when the output ends)
 * @param epochMicros when it happened, microseconds since the epoch on the machine's clock
 * @param candidateId who printed it
 * @param detail the rest of the line; empty for none
 */
record Event(String kind, long epochMicros, String candidateId, String detail) {

    /**
     * Parses {@code EVENT <kind> <epochMicros> <candidateId> [detail]}.
     *
     * @return the event, or null when the line is not an event line (a library's log output)
     */
    static Event parse(String line) {
        if (!line.startsWith("EVENT ")) {
            return null;
        }
        String[] parts = line.split(" ", 5);
        if (parts.length < 4) {
            return null;
        }
        try {
            return new Event(parts[1], Long.parseLong(parts[2]), parts[3], parts.length == 5 ? parts[4] : "");
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
