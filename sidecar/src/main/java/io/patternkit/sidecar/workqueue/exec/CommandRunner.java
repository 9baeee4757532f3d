package io.patternkit.sidecar.workqueue.exec;

import io.patternkit.sidecar.common.DaemonThreads;

import io.patternkit.sidecar.workqueue.exec.CommandResult.Ending;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one process to its end, within a timeout. Standard input is at end of file; standard
 * output and standard error go to this class's logger at DEBUG only (they may hold payload data);
 * standard output is discarded unread when DEBUG is off. The last non-blank stderr line is kept
 * for the result.
 *
 * <p>A process that outlives its timeout, or whose caller's thread is interrupted, is stopped the
 * way a container runtime stops one: SIGTERM to it and its descendants, then SIGKILL to whatever
 * is left after the kill grace. Thread-safe and stateless apart from its settings.
 */
public final class CommandRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
    /** Longest kept line; the rest of a longer line is dropped. */
    static final int MAX_LINE_CHARS = 4_096;
    /** How long output is still read after the process ended (a daemonised grandchild may hold the pipe). */
    private static final long PUMP_WAIT_MS = 1_000;
    /** How long to wait for the process to vanish after SIGKILL. */
    private static final long KILL_WAIT_MS = 5_000;

    private final Duration killGrace;

    /**
     * Creates the runner.
     *
     * @param killGrace how long a process gets between SIGTERM and SIGKILL, not negative
     */
    public CommandRunner(Duration killGrace) {
        this.killGrace = killGrace;
    }

    /**
     * Starts the process and waits for it to end, killing it after {@code timeout}. An interrupt
     * of the calling thread kills the process too; it is reported as {@link Ending#INTERRUPTED}
     * and the thread's interrupt status is left clear, so that the caller can still settle the item.
     *
     * @param builder the prepared process; its redirects are overwritten
     * @param timeout the longest run, positive
     * @param label names the run in log lines, such as {@code "item 42"}; never payload data
     * @return how the run ended, never null
     */
    public CommandResult run(ProcessBuilder builder, Duration timeout, String label) {
        long start = System.nanoTime();
        boolean debug = LOG.isDebugEnabled();
        builder.redirectOutput(debug ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD);
        builder.redirectError(ProcessBuilder.Redirect.PIPE);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new CommandResult(Ending.FAILED_TO_START, -1, "cannot start " + builder.command().get(0) + ": "
                    + e.getMessage(), elapsed(start));
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("{}: closing stdin failed: {}", label, e.getMessage());
        }
        StderrTail tail = new StderrTail();
        List<Thread> pumps = new ArrayList<>(2);
        pumps.add(pump(process.getErrorStream(), label + " stderr", line -> {
            LOG.debug("{} stderr: {}", label, line);
            tail.offer(line);
        }));
        if (debug) {
            pumps.add(pump(process.getInputStream(), label + " stdout", line -> LOG.debug("{} stdout: {}", label, line)));
        }
        Ending ending;
        try {
            ending = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS) ? Ending.EXITED : Ending.TIMED_OUT;
        } catch (InterruptedException e) {
            ending = Ending.INTERRUPTED;
        }
        if (ending != Ending.EXITED) {
            LOG.debug("{}: stopping the command ({})", label, ending);
            stop(process);
        }
        Duration duration = elapsed(start);
        joinQuietly(pumps);
        int status = ending == Ending.EXITED ? process.exitValue() : -1;
        return new CommandResult(ending, status, tail.last(), duration);
    }

    /** SIGTERM to the process tree, SIGKILL to what is left after the grace. Ignores interrupts. */
    private void stop(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        if (!awaitExit(process, killGrace.toMillis())) {
            process.descendants().forEach(tree::add);
            tree.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            if (!awaitExit(process, KILL_WAIT_MS)) {
                LOG.warn("process {} survived SIGKILL", process.pid());
            }
        } else {
            // The parent is gone; descendants that ignored SIGTERM must not outlive it.
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean awaitExit(Process process, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            try {
                return process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                // A second interrupt changes nothing: the process is being stopped already.
            }
        }
    }

    private static Thread pump(InputStream stream, String name, Consumer<String> lines) {
        Thread t = DaemonThreads.newThread("patternkit-exec " + name, () -> {
            try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                readLines(reader, lines);
            } catch (IOException e) {
                LOG.debug("{}: reading stopped: {}", name, e.getMessage());
            }
        });
        t.start();
        return t;
    }

    /** Splits on '\n' (dropping '\r'), keeping at most {@link #MAX_LINE_CHARS} of each line. */
    static void readLines(Reader reader, Consumer<String> lines) throws IOException {
        char[] buffer = new char[8_192];
        StringBuilder line = new StringBuilder();
        boolean pending = false;
        int n;
        while ((n = reader.read(buffer)) >= 0) {
            for (int i = 0; i < n; i++) {
                char c = buffer[i];
                if (c == '\n') {
                    lines.accept(line.toString());
                    line.setLength(0);
                    pending = false;
                } else if (c != '\r') {
                    pending = true;
                    if (line.length() < MAX_LINE_CHARS) {
                        line.append(c);
                    }
                }
            }
        }
        if (pending) {
            lines.accept(line.toString());
        }
    }

    private static void joinQuietly(List<Thread> threads) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PUMP_WAIT_MS);
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            try {
                t.join(left);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The last non-blank stderr line; written by the pump thread, read by the runner. */
    private static final class StderrTail {
        private volatile String last = "";

        void offer(String line) {
            if (!line.isBlank()) {
                last = line.strip();
            }
        }

        String last() {
            return last;
        }
    }
}
