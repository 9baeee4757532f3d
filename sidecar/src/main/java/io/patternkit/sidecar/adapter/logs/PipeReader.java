package io.patternkit.sidecar.adapter.logs;

import io.patternkit.sidecar.common.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a named pipe (FIFO) the app writes its log to, on a thread of its own: opening a pipe waits
 * for a writer, and when the last writer closes it the reader sees its end, hands on the unfinished
 * line and opens it again for the next writer (an app restarted in its container). The pipe is made
 * with {@code mkfifo} when the path does not exist.
 */
final class PipeReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipeReader.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    private final Path pipe;
    private final Supplier<LineSplitter> splitters;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param sourceName the source's name, for the thread's name
     * @param pipe the pipe
     * @param splitters a new line splitter per writer
     * @throws IOException when the pipe cannot be made
     */
    PipeReader(String sourceName, Path pipe, Supplier<LineSplitter> splitters) throws IOException {
        this.pipe = pipe;
        this.splitters = splitters;
        if (!Files.exists(pipe)) {
            mkfifo(pipe);
        } else if (((Integer) Files.getAttribute(pipe, "unix:mode") & S_IFMT) != S_IFIFO) {
            throw new IOException(pipe + " is not a named pipe (a regular file there would be read again and again); remove it"
                    + " or name another path");
        }
        this.thread = DaemonThreads.newThread("patternkit-adapter-pipe-" + sourceName, this::run);
        thread.start();
    }

    private void run() {
        byte[] buffer = new byte[64 * 1024];
        while (!closed) {
            LineSplitter splitter = splitters.get();
            try (InputStream in = Files.newInputStream(pipe, StandardOpenOption.READ)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    splitter.feed(buffer, 0, n);
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.warn("adapter: cannot read the log pipe {}: {}", pipe, e.getMessage());
                    try {
                        Thread.sleep(1_000); // a pipe that went away: look again later, not in a busy loop
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            } finally {
                splitter.flush();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        // A reader waiting for a writer in open() cannot be interrupted: be the writer it waits for.
        // Opened for reading and writing, a FIFO never waits (Linux), so neither does this close.
        try (FileChannel unblock = FileChannel.open(pipe, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            unblock.force(false);
        } catch (IOException e) {
            // the reader was not waiting
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void mkfifo(Path pipe) throws IOException {
        try {
            Process p = new ProcessBuilder("mkfifo", pipe.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0) {
                throw new IOException("mkfifo " + pipe + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted making the pipe " + pipe, e);
        }
    }
}
