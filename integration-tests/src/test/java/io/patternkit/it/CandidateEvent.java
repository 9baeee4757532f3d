package io.patternkit.it;

import java.util.Optional;

/**
 * One line of a {@link LeaderCandidateMain} events file.
 *
 * @param candidate the candidate id (the file's owner)
 * @param t {@link System#nanoTime()} of the event
 * @param type STARTED, ELECTED, VALID, WRITE, REVOKED, OBSERVED or CLOSED
 * @param election the election, empty for STARTED
 * @param term the term (ELECTED, VALID, WRITE, REVOKED, OBSERVED), else 0
 * @param token the fencing token (ELECTED, VALID, WRITE, REVOKED), else 0
 * @param detail the rest: {@code valid} of ELECTED, {@code n result} of WRITE, the reason of REVOKED, the
 *     leader of OBSERVED
 */
record CandidateEvent(String candidate, long t, String type, String election, long term, long token, String detail) {

    static Optional<CandidateEvent> parse(String candidate, String line) {
        String[] f = line.trim().split(" ");
        if (f.length < 3) {
            return Optional.empty(); // a line cut by kill -9
        }
        try {
            long t = Long.parseLong(f[0]);
            return switch (f[1]) {
                case "STARTED" -> Optional.of(new CandidateEvent(candidate, t, f[1], "", 0, 0, f[2]));
                case "CLOSED" -> Optional.of(new CandidateEvent(candidate, t, f[1], f[2], 0, 0, ""));
                case "OBSERVED" -> f.length < 5 ? Optional.empty()
                        : Optional.of(new CandidateEvent(candidate, t, f[1], f[2], Long.parseLong(f[4]), 0, f[3]));
                case "ELECTED", "VALID", "WRITE", "REVOKED" -> f.length < 5 ? Optional.empty()
                        : Optional.of(new CandidateEvent(candidate, t, f[1], f[2], Long.parseLong(f[3]),
                                Long.parseLong(f[4]), f.length > 5 ? String.join(" ", java.util.Arrays.copyOfRange(f, 5, f.length)) : ""));
                default -> Optional.empty();
            };
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** @return for ELECTED, whether the term was still valid when the app was told */
    boolean electedValid() {
        return type.equals("ELECTED") && detail.equals("true");
    }

    /** @return for WRITE, whether the store accepted it */
    boolean accepted() {
        return type.equals("WRITE") && detail.endsWith("accepted");
    }
}
