package io.patternkit.bench.leader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One candidate JVM speaking {@link CandidateRuntime}'s line protocol: its event lines go to the
 * cluster's {@link EventLog}, everything it prints (standard error too) to a log file of its own,
 * and commands go to its standard input.
 */
final class CandidateProcess {
    private final String candidateId;
    private final Process process;
    private final Writer stdin;

    private CandidateProcess(String candidateId, Process process) {
        this.candidateId = candidateId;
        this.process = process;
        this.stdin = process.outputWriter(StandardCharsets.UTF_8);
    }

    /**
     * Starts {@code java -cp <this jar> <mainClass> <args>} with the JVM's default flags.
     *
     * @param candidateId the id the candidate reports (also passed as {@code --id})
     * @param mainClass a candidate main
     * @param args its options, {@code --id} excluded
     * @param events where its events go
     * @param log its output file (appended to: a restarted candidate keeps one file)
     */
    static CandidateProcess start(String candidateId, Class<?> mainClass, List<String> args, EventLog events, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName(), "--id", candidateId));
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "== " + Instant.now() + " " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            CandidateProcess candidate = new CandidateProcess(candidateId, process);
            Thread pump = new Thread(() -> candidate.pump(events, log), "candidate-" + candidateId + "-" + process.pid());
            pump.setDaemon(true);
            pump.start();
            return candidate;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private void pump(EventLog events, Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                Event event = Event.parse(line);
                if (event != null) {
                    events.add(event);
                }
                out.write(line);
                out.write('\n');
                out.flush();
            }
        } catch (IOException e) {
            // The process died; EXITED below says so.
        }
        events.add(new Event("EXITED", CandidateRuntime.epochMicros(Instant.now()), candidateId, "pid " + process.pid()));
    }

    /** Sends one command line ({@code RESIGN}, {@code JOIN}). */
    void send(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("candidate " + candidateId + " does not take commands", e);
        }
    }

    /** The operating-system process id. */
    long pid() {
        return process.pid();
    }

    /** Whether the process still runs. */
    boolean alive() {
        return process.isAlive();
    }

    /** Sends SIGKILL ({@code kill -9}) without waiting. */
    void kill() {
        process.destroyForcibly();
    }

    /** Sends SIGKILL and waits up to 10 s for the process to be gone. */
    void killAndWait() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
