package io.patternkit.samples.search;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link SearchLeaf} process started by the demo: its output goes to a log file, and its
 * {@code EVENT} lines ({@code EVENT READY shard=s0 leaf=s0-r1 ...}) to a shared {@link Events} log
 * the demo waits on. Commands go to its stdin; {@link #kill()} is {@code kill -9}.
 */
final class LeafProcess {
    /**
     * One event a leaf printed.
     *
     * @param at when the demo read it
     * @param leaf the leaf id of the process that printed it
     * @param kind such as {@code READY}, {@code SLOW}, {@code CANCELLED}
     * @param fields its {@code key=value} words
     */
    record Event(Instant at, String leaf, String kind, Map<String, String> fields) {
        long number(String field) {
            return Long.parseLong(fields.getOrDefault(field, "-1"));
        }
    }

    /** Every event of every leaf, in arrival order; waiters are woken by each new one. */
    static final class Events {
        private final List<Event> events = new ArrayList<>();

        synchronized void add(Event e) {
            events.add(e);
            notifyAll();
        }

        /** @return the events so far that match */
        synchronized List<Event> matching(Predicate<Event> match) {
            return events.stream().filter(match).toList();
        }

        /**
         * Waits until {@code count} events match.
         *
         * @throws IllegalStateException after {@code timeout}, naming what was awaited
         */
        synchronized List<Event> await(String what, Predicate<Event> match, int count, Duration timeout)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Event> found = matching(match);
            while (found.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + " (saw "
                            + found.size() + " of " + count + ")");
                }
                TimeUnit.NANOSECONDS.timedWait(this, left); // woken by add()
                found = matching(match);
            }
            return found;
        }
    }

    private final String leafId;
    private final Process process;

    private LeafProcess(String leafId, Process process) {
        this.leafId = leafId;
        this.process = process;
    }

    static LeafProcess start(String leafId, List<String> command, Map<String, String> env, Path log, Events events)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process = pb.start();
        PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        Thread pump = new Thread(() -> pump(leafId, process, file, events), "leaf-" + leafId + "-stdout");
        pump.setDaemon(true);
        pump.start();
        return new LeafProcess(leafId, process);
    }

    private static void pump(String leafId, Process process, PrintWriter log, Events events) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             log) {
            String line;
            while ((line = out.readLine()) != null) {
                log.println(line);
                parse(leafId, line).ifPresent(events::add);
            }
        } catch (IOException e) {
            // The process died; its events so far are kept.
        }
    }

    static Optional<Event> parse(String leafId, String line) {
        if (!line.startsWith("EVENT ")) {
            return Optional.empty();
        }
        String[] words = line.substring(6).trim().split(" ");
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq > 0) {
                fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
        }
        return Optional.of(new Event(Instant.now(), leafId, words[0], Map.copyOf(fields)));
    }

    String leafId() {
        return leafId;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Writes one command line to the leaf's stdin ({@code slow 3000}, {@code fast}). */
    void send(String command) throws IOException {
        process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** {@code kill -9}: the leaf dies at once, without deregistering; waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Asks the leaf to deregister and exit ({@code quit}), then waits; kills it after 10 s. */
    void quit() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        try {
            send("quit");
        } catch (IOException e) {
            // Its stdin is gone: it is exiting anyway.
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
