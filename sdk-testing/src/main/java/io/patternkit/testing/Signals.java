package io.patternkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POSIX signals to a child process, as a test or a demo injects faults: {@code kill -9}, SIGSTOP/SIGCONT, SIGTERM. */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /**
     * Sends a signal with {@code kill -NAME PID}; a process that already exited is not an error.
     *
     * @param process the process
     * @param name the signal without {@code SIG}, such as {@code STOP}
     */
    static void send(Process process, String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                LOG.debug("kill -{} {} did not succeed (the process may have exited)", name, process.pid());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether the process exited within {@code timeout} */
    static boolean awaitExit(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * SIGKILL, sent by the JDK itself ({@link ProcessHandle#destroyForcibly()} is SIGKILL on POSIX
     * systems; unlike {@link Process#destroyForcibly()} it leaves the output pipe open, so what the
     * process printed is still read): no shutdown hook runs. Waits up to 30 s for the process to be gone.
     */
    static void kill(Process process) {
        process.toHandle().destroyForcibly();
        awaitExit(process, Duration.ofSeconds(30));
    }

    /**
     * SIGTERM, as Kubernetes sends it, then SIGKILL after {@code grace}. The JDK sends it
     * ({@link ProcessHandle#destroy()} is SIGTERM on POSIX systems, and leaves the output pipe open, so
     * what the process prints while it drains is still read), so the signal leaves at once rather than
     * after a {@code kill} process has started, and a timing taken just before is the signal's.
     *
     * @return the exit code, or -1 when it had to be killed
     */
    static int terminate(Process process, Duration grace) {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        process.toHandle().destroy();
        if (awaitExit(process, grace)) {
            return process.exitValue();
        }
        kill(process);
        return -1;
    }
}
