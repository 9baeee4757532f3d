package io.patternkit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One reading of Linux's {@code /proc/PID/status} for a process: its memory and thread counts as the kernel
 * reports them ({@code man 5 proc}).
 */
public final class ProcStatus {
    private final String text;

    private ProcStatus(String text) {
        this.text = text;
    }

    /**
     * Reads the status of a running process.
     *
     * @param pid its process id
     * @return the reading
     * @throws UncheckedIOException when the process has exited or this is not Linux
     */
    public static ProcStatus of(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "status"));
    }

    /**
     * Reads the status of one thread of a running process, which holds that thread's own counts (its context
     * switches, for one).
     *
     * @param task the thread's directory, {@code /proc/PID/task/TID}
     * @return the reading
     * @throws UncheckedIOException when the thread has ended
     */
    public static ProcStatus ofThread(Path task) {
        return read(task.resolve("status"));
    }

    private static ProcStatus read(Path status) {
        try {
            return new ProcStatus(Files.readString(status));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name a field's name with its colon, such as {@code VmRSS:} (resident set, KiB), {@code VmHWM:}
     *             (the resident set's peak since the process started, KiB) or {@code Threads:}
     * @return the field's number (memory in KiB), or -1 when the field is absent
     */
    public long field(String name) {
        return text.lines().filter(l -> l.startsWith(name)).findFirst()
                .map(l -> Long.parseLong(l.substring(name.length()).trim().split("\\s+")[0])).orElse(-1L);
    }
}
