package io.patternkit.bench.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The events of one cluster's candidates in the order the harness received them, with waiting.
 * Each candidate's output is read by its own thread, so events of different candidates can arrive
 * out of their time order: the harness waits for conditions over everything received since a mark,
 * never for "the next event".
 */
final class EventLog {
    private final List<Event> events = new ArrayList<>();
    private String leader;

    /** Appends an event, follows who leads, and wakes the waiters. */
    synchronized void add(Event event) {
        events.add(event);
        switch (event.kind()) {
            case "ELECTED" -> leader = event.candidateId();
            case "LOST", "RESIGNING", "EXITED" -> {
                if (event.candidateId().equals(leader)) {
                    leader = null;
                }
            }
            default -> {
            }
        }
        notifyAll();
    }

    /**
     * Waits until a candidate leads: the last one to report {@code ELECTED} that has not reported
     * {@code LOST}, {@code RESIGNING} or exited since.
     *
     * @return its id, or empty after the timeout
     */
    synchronized Optional<String> awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (leader == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return Optional.of(leader);
    }

    /** A mark: the number of events received so far. */
    synchronized int mark() {
        return events.size();
    }

    /**
     * Waits for the first event at or after {@code mark} that matches.
     *
     * @param mark from {@link #mark()}
     * @param match the condition
     * @param timeout how long to wait at most
     * @return the event, or empty after the timeout
     * @throws InterruptedException when interrupted while waiting
     */
    synchronized Optional<Event> await(int mark, Predicate<Event> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = mark;
        while (true) {
            for (; next < events.size(); next++) {
                if (match.test(events.get(next))) {
                    return Optional.of(events.get(next));
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** The events at or after {@code mark} that match, in arrival order. */
    synchronized List<Event> since(int mark, Predicate<Event> match) {
        return events.subList(mark, events.size()).stream().filter(match).toList();
    }
}
