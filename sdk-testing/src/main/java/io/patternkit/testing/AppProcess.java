package io.patternkit.testing;

import io.patternkit.core.internal.DaemonThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An application process that a sample, a benchmark or a test starts beside its sidecars: its
 * output goes to a log file, its event lines to a shared {@link Events} log that the caller waits
 * on, commands go to its standard input, and faults are injected with signals ({@code kill -9},
 * SIGSTOP/SIGCONT, SIGTERM). The process side of {@link SidecarProcess}, for apps.
 *
 * <p>An event line is {@code EVENT <KIND> [key=value ...] [text]}, such as
 * {@code EVENT ELECTED term=3 token=3}; a word {@code at=<ISO-8601 instant>} gives the time the app
 * saw it (otherwise the time the line was read) and is left out of {@link Event#text()}. When the
 * app's output ends, the log gets an {@value #EXITED} event of its own.
 */
public final class AppProcess implements AutoCloseable {
    /** The kind of the event added when an app's output ends (it exited, or closed its output). */
    public static final String EXITED = "EXITED";
    private static final String PREFIX = "EVENT ";

    /**
     * One event an app printed.
     *
     * @param at when the app says it happened, or when the line was read
     * @param app the name of the process that printed it
     * @param kind its first word, such as {@code ELECTED}
     * @param text the kind and the rest of the line, without the {@code at=} word
     */
    public record Event(Instant at, String app, String kind, String text) {
        /**
         * @param kind a kind, such as {@code READY}
         * @return whether this event is of that kind
         */
        public boolean is(String kind) {
            return this.kind.equals(kind);
        }

        /**
         * @param name a field, such as {@code token}
         * @return the value of the word {@code name=value}, or empty when the line has none
         */
        public Optional<String> field(String name) {
            for (String word : text.split(" ")) {
                if (word.startsWith(name + "=")) {
                    return Optional.of(word.substring(name.length() + 1));
                }
            }
            return Optional.empty();
        }

        /**
         * @param name a numeric field, such as {@code token}
         * @return its value
         * @throws IllegalArgumentException when the line has no such field, or it is not a number
         */
        public long number(String name) {
            return Long.parseLong(field(name).orElseThrow(() -> new IllegalArgumentException("no " + name + " in " + text)));
        }
    }

    /** Every event of every app sharing it, in arrival order; thread-safe, and waiters wake on each new one. */
    public static final class Events {
        private final List<Event> events = new ArrayList<>();

        synchronized void add(Event event) {
            events.add(event);
            notifyAll();
        }

        /**
         * @param match which events
         * @return the events so far that match, in arrival order
         */
        public synchronized List<Event> matching(Predicate<Event> match) {
            return events.stream().filter(match).toList();
        }

        /** @return how many events have arrived so far: a mark for {@link #awaitAfter} */
        public synchronized int mark() {
            return events.size();
        }

        /**
         * Waits for the first event at or after {@code mark} that matches. Apps' lines are read by a
         * thread each, so events of different apps may arrive out of their time order: wait for a
         * condition over what arrived since a mark, never for "the next event".
         *
         * @param mark from {@link #mark()}
         * @param match which event
         * @param timeout the longest wait
         * @return the event, or empty after the timeout
         * @throws InterruptedException when the waiting thread is interrupted
         */
        public synchronized Optional<Event> awaitAfter(int mark, Predicate<Event> match, Duration timeout)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (int next = Math.max(0, mark); ; ) {
                for (; next < events.size(); next++) {
                    if (match.test(events.get(next))) {
                        return Optional.of(events.get(next));
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(this, left); // woken by add()
            }
        }

        /**
         * Waits until {@code count} events match.
         *
         * @param what what is awaited, for the error
         * @param match which events count
         * @param count how many must have arrived
         * @param timeout the longest wait
         * @return the matching events, at least {@code count}
         * @throws IllegalStateException after {@code timeout}, naming what was awaited and how many came
         * @throws InterruptedException when the waiting thread is interrupted
         */
        public synchronized List<Event> await(String what, Predicate<Event> match, int count, Duration timeout)
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

    private final String name;
    private final Process process;

    private AppProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * The command line that runs {@code mainClass} in a new JVM like this one: this JVM's {@code java}
     * launcher and class path, so that an app can be a main class of the caller's own code.
     *
     * @param jvmArgs JVM options, such as {@code -Xmx192m}; may be empty
     * @param mainClass the app's main class
     * @param args the app's arguments; may be empty
     * @return the command, for {@link #start}
     */
    public static List<String> javaMain(List<String> jvmArgs, Class<?> mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        return command;
    }

    /**
     * Starts an app process.
     *
     * @param name the app's name in events and thread names, such as {@code replica-2}
     * @param command the command line, such as {@code java -cp ... Main}
     * @param env variables added to this process's environment
     * @param log the file its standard output and error go to (created or replaced)
     * @param events where its event lines go
     * @return the running process
     * @throws UncheckedIOException when it cannot be started or the log cannot be written
     */
    public static AppProcess start(String name, List<String> command, Map<String, String> env, Path log, Events events) {
        Objects.requireNonNull(events, "events");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process process = pb.start();
            PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
            DaemonThreads.newThread("app-" + name + "-stdout", () -> pump(name, process, file, events)).start();
            return new AppProcess(name, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    private static void pump(String name, Process process, PrintWriter log, Events events) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             log) {
            String line;
            while ((line = out.readLine()) != null) {
                log.println(line);
                parse(name, line, Instant.now()).ifPresent(events::add);
            }
        } catch (IOException e) {
            // The process died; its events so far are kept.
        }
        events.add(new Event(Instant.now(), name, EXITED, EXITED));
    }

    /**
     * Reads an event line.
     *
     * @param app the app that printed it
     * @param line the line
     * @param readAt when it was read: the event's time unless the line carries {@code at=}
     * @return the event, or empty when the line is not an event line
     */
    public static Optional<Event> parse(String app, String line, Instant readAt) {
        if (!line.startsWith(PREFIX) || line.length() == PREFIX.length()) {
            return Optional.empty();
        }
        Instant at = readAt;
        List<String> words = new ArrayList<>();
        for (String word : line.substring(PREFIX.length()).trim().split(" ")) {
            if (word.startsWith("at=")) {
                try {
                    at = Instant.parse(word.substring(3));
                    continue;
                } catch (DateTimeParseException notATime) {
                    // an ordinary field named at
                }
            }
            words.add(word);
        }
        return Optional.of(new Event(at, app, words.get(0), String.join(" ", words)));
    }

    /** @return the app's name */
    public String name() {
        return name;
    }

    /** @return the operating system's process id */
    public long pid() {
        return process.pid();
    }

    /** @return whether the process is running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Writes one command line to the app's standard input, such as {@code slow 3000}.
     *
     * @param command the line, without its line break
     * @throws UncheckedIOException when the app's input is closed (it is exiting)
     */
    public void send(String command) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + name, e);
        }
    }

    /** {@code kill -9}: the app dies at once, no shutdown hook runs; waits until it is gone. */
    public void kill() {
        Signals.kill(process);
    }

    /** SIGSTOP: the app freezes where it is, as in a long GC pause, until {@link #resume()}. */
    public void pause() {
        Signals.send(process, "STOP");
    }

    /** SIGCONT: a paused app goes on, unaware of the time that passed. */
    public void resume() {
        Signals.send(process, "CONT");
    }

    /**
     * SIGTERM, as Kubernetes sends it, then SIGKILL after {@code grace}.
     *
     * @param grace how long it may take to exit
     * @return its exit code, or -1 when it had to be killed
     */
    public int terminate(Duration grace) {
        return Signals.terminate(process, grace);
    }

    /**
     * Asks the app to stop by writing {@code quit} to its input (the samples' apps resign, deregister
     * and exit on it), then waits; kills it after {@code grace}.
     *
     * @param grace how long it may take to exit
     */
    public void quit(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        try {
            send("quit");
        } catch (UncheckedIOException e) {
            // Its input is gone: it is exiting anyway.
        }
        if (!Signals.awaitExit(process, grace)) {
            kill();
        }
    }

    /** {@link #quit(Duration)} with 10 s of grace. */
    @Override
    public void close() {
        quit(Duration.ofSeconds(10));
    }
}
