package io.patternkit.it;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link ScatterLeafMain} process: started with {@link #start}, watched through its output lines
 * ({@link #awaitLine}), stopped with {@code kill -9} ({@link #kill()}) or SIGTERM ({@link #terminate()}).
 * Its output is also kept in a log file for post-mortems.
 */
final class LeafApp implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Map<String, URI> urls = new ConcurrentHashMap<>();

    private LeafApp(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread pump = new Thread(this::pump, "leaf-app-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts the process; returns at once (see {@link #awaitReady()}), so that several can start in parallel.
     *
     * @param root the root sidecar's URL
     * @param token the API token, or null
     * @param logDir where the output log goes
     * @param pool the pool
     * @param ttl the registration TTL
     * @param specs {@code leafId:shard:mode[:delayMs]} per leaf
     */
    static LeafApp start(URI root, String token, Path logDir, String pool, Duration ttl, String... specs) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ScatterLeafMain.class.getName(), pool, ttl.toString()));
        command.addAll(List.of(specs));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATTERNKIT_SCATTER_URL", root.toString());
        pb.environment().remove("PATTERNKIT_API_TOKEN_FILE");
        if (token != null) {
            pb.environment().put("PATTERNKIT_API_TOKEN", token);
        } else {
            pb.environment().remove("PATTERNKIT_API_TOKEN");
        }
        try {
            Path log = Files.createTempFile(logDir, "leaf-app-", ".log");
            return new LeafApp(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.write(line);
                out.write(System.lineSeparator());
                out.flush();
                if (line.startsWith("READY ")) {
                    String[] f = line.split(" ");
                    urls.put(f[1], URI.create(f[3]));
                }
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("PUMP-FAILED " + e);
        }
    }

    /**
     * Waits until every leaf of the process is mounted (their registration follows in the background).
     *
     * @param leafIds the leaves the process serves
     * @return this
     */
    LeafApp awaitReady(String... leafIds) {
        await("leaves " + List.of(leafIds) + " mounted; log " + log).atMost(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("leaf app exited with " + process.exitValue() + ": " + lines);
                    }
                    return List.of(leafIds).stream().allMatch(urls::containsKey);
                });
        return this;
    }

    /** @return the URL the leaf registered */
    URI url(String leafId) {
        return urls.get(leafId);
    }

    /**
     * @param matching what to wait for
     * @param timeout how long
     * @return the first matching line
     */
    String awaitLine(Predicate<String> matching, Duration timeout) {
        await("a matching line; log " + log).atMost(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .pollInterval(Duration.ofMillis(10)).until(() -> find(matching).isPresent());
        return find(matching).orElseThrow();
    }

    /** @return the first line that matches, if any yet */
    Optional<String> find(Predicate<String> matching) {
        return lines.stream().filter(matching).findFirst();
    }

    /** @return every line so far */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Sends SIGKILL ({@code kill -9}) and waits until the process is gone. */
    void kill() {
        signal("KILL");
    }

    /** Sends SIGTERM (the shutdown hook leaves the pool) and waits until the process is gone. */
    void terminate() {
        signal("TERM");
    }

    private void signal(String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("leaf app " + process.pid() + " did not exit after SIG" + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
