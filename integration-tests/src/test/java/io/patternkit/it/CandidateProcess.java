package io.patternkit.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LeaderCandidateMain} app process: started as its own JVM with the test classpath, controlled
 * with stdin commands and signals ({@code kill -9}, {@code SIGSTOP}, {@code SIGCONT}), and read back
 * through its events file. Restarting appends to the same events file, so one handle holds the whole
 * history of one candidate id. Not thread-safe.
 */
final class CandidateProcess implements AutoCloseable {
    private final String id;
    private final Path events;
    private final Path log;
    private final List<String> command;
    private Process process;
    private OutputStream stdin;
    private URI sidecar;

    private CandidateProcess(Path dir, String id, URI store, long prepMs, List<String> elections) {
        this.id = id;
        this.events = dir.resolve(id + ".events");
        this.log = dir.resolve(id + ".log");
        this.command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-cp", System.getProperty("java.class.path"),
                LeaderCandidateMain.class.getName(), "SIDECAR", store.toString(), id, events.toString(),
                Long.toString(prepMs)));
        this.command.addAll(elections);
    }

    /**
     * Starts a candidate.
     *
     * @param dir where its events file and log go
     * @param id the candidate id
     * @param sidecar its own sidecar's URL
     * @param store the fenced store's URL
     * @param prepMs how long its leader work prepares a write between the validity check and the write
     * @param elections the elections it campaigns in
     * @return the running candidate
     */
    static CandidateProcess start(Path dir, String id, URI sidecar, URI store, long prepMs, String... elections) {
        CandidateProcess c = new CandidateProcess(dir, id, store, prepMs, List.of(elections));
        c.sidecar = sidecar;
        c.restart();
        return c;
    }

    /** Starts the process again (after a kill), with the same arguments, appending to the same files. */
    void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(id + " is running");
        }
        List<String> cmd = new ArrayList<>(command);
        cmd.set(cmd.indexOf("SIDECAR"), sidecar.toString());
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start candidate " + id, e);
        }
        stdin = process.getOutputStream();
    }

    String id() {
        return id;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    Path logFile() {
        return log;
    }

    Path eventsFile() {
        return events;
    }

    /**
     * Sends a command line to the app's standard input.
     *
     * @param line such as {@code close e1}
     */
    void command(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot talk to candidate " + id, e);
        }
    }

    /** {@code kill -9}, and waits until the process is gone. */
    void kill() {
        Signals.send(process.pid(), "KILL");
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(id + " survived kill -9");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code kill -STOP}: the app keeps its sockets open and does nothing. */
    void pause() {
        Signals.send(process.pid(), "STOP");
    }

    /** {@code kill -CONT}. */
    void resume() {
        Signals.send(process.pid(), "CONT");
    }

    /** @return every event this candidate id logged so far, across restarts, in file order */
    List<CandidateEvent> events() {
        try {
            if (!Files.exists(events)) {
                return List.of();
            }
            List<CandidateEvent> out = new ArrayList<>();
            for (String line : Files.readAllLines(events, StandardCharsets.UTF_8)) {
                CandidateEvent.parse(id, line).ifPresent(out::add);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param type the event type, such as {@code ELECTED}
     * @param election the election
     * @return the latest such event (by time)
     */
    Optional<CandidateEvent> last(String type, String election) {
        return events().stream().filter(e -> e.type().equals(type) && e.election().equals(election))
                .max(java.util.Comparator.comparingLong(CandidateEvent::t));
    }

    /** Resumes (if paused) and kills the process; for cleanup. */
    @Override
    public void close() {
        if (isAlive()) {
            Signals.send(process.pid(), "CONT");
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
