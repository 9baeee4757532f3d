package io.patternkit.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What every sample's main does alike: print a progress line, and start in an empty work directory. */
public final class SampleSupport {
    private SampleSupport() {
    }

    /**
     * Prints one line to standard output at once (the samples' output is their report).
     *
     * @param format a {@link String#format} pattern
     * @param args its arguments
     */
    public static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
        System.out.flush();
    }

    /**
     * Empties a work directory (deleting it with everything in it), so that no run sees what an
     * earlier one left.
     *
     * @param dir the directory, relative or absolute
     * @return its absolute, normalised path; the directory itself no longer exists
     * @throws IOException when something in it cannot be deleted
     */
    public static Path emptied(Path dir) throws IOException {
        Path work = dir.toAbsolutePath().normalize();
        if (Files.exists(work)) {
            try (Stream<Path> walk = Files.walk(work)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return work;
    }

    /**
     * Polls a condition until it holds, for what offers nothing to wait on (a registry, a config
     * reload seen through a management API).
     *
     * @param what what is awaited, for the error
     * @param timeout the longest wait
     * @param condition the condition, asked every 100 ms
     * @throws IllegalStateException when the timeout passes first
     * @throws Exception what the condition throws
     */
    public static void poll(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100); // a poll interval: there is nothing to wait on
        }
    }
}
