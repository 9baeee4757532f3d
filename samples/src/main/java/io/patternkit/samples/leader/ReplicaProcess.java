package io.patternkit.samples.leader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link LeaderReplica} app process started by the demo: its events, read from its stdout, and
 * the signals the demo sends it ({@code kill -9}, {@code SIGSTOP}, {@code SIGCONT}).
 */
final class ReplicaProcess {
    /** One line a replica printed: when, who, and what ({@code ELECTED term=3 token=3}). */
    record Event(Instant at, String replica, String text) {
        boolean is(String kind) {
            return text.startsWith(kind + " ");
        }

        long number(String field) {
            for (String part : text.split(" ")) {
                if (part.startsWith(field + "=")) {
                    return Long.parseLong(part.substring(field.length() + 1));
                }
            }
            throw new IllegalArgumentException("no " + field + " in " + text);
        }
    }

    private final String id;
    private final Process process;

    private ReplicaProcess(String id, Process process) {
        this.id = id;
        this.process = process;
    }

    static ReplicaProcess start(String id, List<String> command, Map<String, String> env, Path log,
                                CopyOnWriteArrayList<Event> events) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process = pb.start();
        Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> pump(id, process, file, events), "replica-" + id + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return new ReplicaProcess(id, process);
    }

    private static void pump(String id, Process process, Writer file, List<Event> events) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter log = new PrintWriter(file, true)) {
            String line;
            while ((line = out.readLine()) != null) {
                log.println(line);
                int space = line.indexOf(' ');
                if (space > 0 && Character.isDigit(line.charAt(0)) && Character.isUpperCase(line.charAt(space + 1))) {
                    try {
                        events.add(new Event(Instant.parse(line.substring(0, space)), id, line.substring(space + 1)));
                        synchronized (events) {
                            events.notifyAll();
                        }
                    } catch (RuntimeException notAnEvent) {
                        // A log line that happens to start with a digit: kept in the log only.
                    }
                }
            }
        } catch (IOException e) {
            // The process died; its events so far are kept.
        }
    }

    String id() {
        return id;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}: the app dies at once; its sidecar lives on. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** {@code SIGSTOP}: the app freezes mid-whatever, as in a long GC pause or a VM migration. */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** {@code SIGCONT}: the app goes on from where it was, unaware of the time that passed. */
    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    /** Asks the replica to resign and exit, then waits for it. */
    void quit() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private void signal(String signal) throws IOException, InterruptedException {
        int code = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (code != 0) {
            throw new IOException("kill " + signal + " " + process.pid() + " exited " + code);
        }
    }
}
