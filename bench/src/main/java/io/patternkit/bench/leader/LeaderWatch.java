package io.patternkit.bench.leader;

import io.patternkit.testing.AppProcess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Who leads a cluster, read from its candidates' events ({@link CandidateRuntime}'s lines, each
 * candidate an {@link AppProcess} named by its candidate id): the last candidate to report
 * {@code ELECTED} that has not reported {@code LOST} or {@code RESIGNING}, nor exited, since.
 */
final class LeaderWatch {
    private LeaderWatch() {
    }

    /**
     * @param events the cluster's events in arrival order
     * @return the leader they show, or empty when nobody leads
     */
    static Optional<String> leaderOf(List<AppProcess.Event> events) {
        String leader = null;
        for (AppProcess.Event e : events) {
            switch (e.kind()) {
                case "ELECTED" -> leader = e.app();
                case "LOST", "RESIGNING", AppProcess.EXITED -> {
                    if (e.app().equals(leader)) {
                        leader = null;
                    }
                }
                default -> {
                }
            }
        }
        return Optional.ofNullable(leader);
    }

    /**
     * Waits until the events show a leader.
     *
     * @param events the cluster's events
     * @param timeout the longest wait
     * @return the leader, or empty after the timeout
     * @throws InterruptedException when interrupted while waiting
     */
    static Optional<String> awaitLeader(AppProcess.Events events, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int mark = events.mark(); // before reading, so that an event arriving in between ends the wait below
            Optional<String> leader = leaderOf(events.matching(e -> true));
            long left = deadline - System.nanoTime();
            if (leader.isPresent() || left <= 0) {
                return leader;
            }
            events.awaitAfter(mark, e -> true, Duration.ofNanos(left));
        }
    }
}
