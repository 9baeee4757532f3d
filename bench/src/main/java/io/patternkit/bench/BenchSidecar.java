package io.patternkit.bench;

import io.patternkit.testing.SidecarProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sidecar process started the way a user starts it ({@code java -jar patternkit-sidecar.jar
 * workqueue ...}, or {@code leader ...}, with the JVM's default flags unless told otherwise).
 *
 * <p>Not {@code io.patternkit.testing.SidecarProcess}: that one always adds
 * {@code -XX:TieredStopAtLevel=1} (C1 only, for fast test start-up), and a benchmark must measure
 * the sidecar as it runs in production. {@link CallLatency} measures both.
 *
 * <p>With {@value SidecarProcess#ENV_JAVA} and {@value SidecarProcess#ENV_AOT_CACHE} set (as
 * {@code scripts/run-samples.sh} sets them), the sidecar runs as the README's main job runs it: on that
 * JDK with that AOT cache, and the collector and compiler the cache was trained with.
 */
public final class BenchSidecar implements AutoCloseable {
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
     * Starts a work-queue sidecar on an ephemeral port and waits until it listens; its output goes to
     * a temporary file.
     *
     * @param jar the sidecar's executable jar
     * @param jvmFlags JVM options placed before {@code -jar}, possibly none
     * @param dataDir the SQLite data directory
     * @param args further sidecar options, such as {@code --engine postgres --jdbc-url ...}
     */
    static BenchSidecar start(Path jar, List<String> jvmFlags, Path dataDir, List<String> args) {
        List<String> all = new ArrayList<>(List.of("--data", dataDir.toString()));
        all.addAll(args);
        try {
            return start(jar, "workqueue", jvmFlags, all, Files.createTempFile("patternkit-bench-sidecar-", ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code java [jvmFlags] -jar jar pattern --port 0 [args]} and waits until it listens.
     *
     * @param jar the sidecar's executable jar
     * @param pattern {@code workqueue}, {@code leader} or {@code scatter}
     * @param jvmFlags JVM options placed before {@code -jar}, possibly none
     * @param args further sidecar options, such as {@code --engine sqlite --data DIR}
     * @param log the file the sidecar's output is appended to
     * @return the running sidecar
     * @throws IllegalStateException when it does not listen within 60 s
     */
    public static BenchSidecar start(Path jar, String pattern, List<String> jvmFlags, List<String> args, Path log) {
        List<String> command = new ArrayList<>();
        String java = System.getenv(SidecarProcess.ENV_JAVA);
        command.add(java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String aotCache = System.getenv(SidecarProcess.ENV_AOT_CACHE);
        if (aotCache != null) {
            command.addAll(List.of("-XX:AOTCache=" + aotCache, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        }
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar.toString(), pattern, "--port", "0"));
        command.addAll(args);
        try {
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
            throw new IllegalStateException("the sidecar did not start: " + command + "; see " + log, e);
        }
    }

    private static void pump(Process process, Path log, CompletableFuture<URI> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
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
    public URI baseUrl() {
        return baseUrl;
    }

    /** The operating-system process id. */
    public long pid() {
        return process.pid();
    }

    /** The file holding the sidecar's output. */
    public Path log() {
        return log;
    }

    /** Sends SIGKILL ({@code kill -9}) without waiting. */
    public void kill() {
        process.destroyForcibly();
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
