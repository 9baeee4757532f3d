package io.patternkit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A work-queue sidecar process started the way a user starts it ({@code java -jar
 * patternkit-sidecar.jar workqueue ...}, with the JVM's default flags unless told otherwise).
 *
 * <p>Not {@code io.patternkit.testing.SidecarProcess}: that one always adds
 * {@code -XX:TieredStopAtLevel=1} (C1 only, for fast test start-up), and a benchmark must measure
 * the sidecar as it runs in production. {@link CallLatency} measures both.
 */
final class BenchSidecar implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+?:(\\d+))");

    private final Process process;
    private final URI baseUrl;
    private final Path log;

    private BenchSidecar(Process process, URI baseUrl, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /**
     * Starts a sidecar on an ephemeral port and waits until it listens.
     *
     * @param jar the sidecar's executable jar
     * @param jvmFlags JVM options placed before {@code -jar}, possibly none
     * @param dataDir the SQLite data directory
     * @param args further sidecar options, such as {@code --engine postgres --jdbc-url ...}
     */
    static BenchSidecar start(Path jar, List<String> jvmFlags, Path dataDir, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar.toString(), "workqueue", "--port", "0", "--data", dataDir.toString()));
        command.addAll(args);
        try {
            Path log = Files.createTempFile("patternkit-bench-sidecar-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<URI> listening = new CompletableFuture<>();
            Thread pump = new Thread(() -> pump(process, log, listening), "bench-sidecar-log-" + process.pid());
            pump.setDaemon(true);
            pump.start();
            URI url = listening.get(60, TimeUnit.SECONDS);
            return new BenchSidecar(process, url, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the sidecar did not start: " + command, e);
        }
    }

    private static void pump(Process process, Path log, CompletableFuture<URI> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                Matcher m = LISTENING.matcher(line);
                if (!listening.isDone() && m.find()) {
                    listening.complete(URI.create(m.group(1)));
                }
            }
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("the sidecar exited; see " + log));
    }

    /** The base URL, such as {@code http://127.0.0.1:40123}. */
    URI baseUrl() {
        return baseUrl;
    }

    /** The operating-system process id. */
    long pid() {
        return process.pid();
    }

    /** The file holding the sidecar's output. */
    Path log() {
        return log;
    }

    /** Stops the sidecar with SIGTERM (it drains), falling back to SIGKILL after 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
