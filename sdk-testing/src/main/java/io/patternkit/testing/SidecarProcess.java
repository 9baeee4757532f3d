package io.patternkit.testing;

import io.patternkit.core.internal.DaemonThreads;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code patternkit-sidecar} running as a child process, for tests, samples and
 * benchmarks: lifecycle as {@link #start()}/{@link #close()} in the manner of Testcontainers,
 * plus the faults that reliability claims must survive ({@link #kill()} is {@code kill -9}).
 *
 * <p>The sidecar is started on an ephemeral port ({@code --port 0}); {@link #start()} returns once
 * the sidecar has logged the address it listens on. Its standard output and error go to
 * {@link #logFile()}, never to this process's console.
 *
 * <p>The jar is found, in order, from {@link Builder#jar(Path)}, the system property
 * {@code patternkit.sidecar.jar}, the environment variable {@code PATTERNKIT_SIDECAR_JAR}, or
 * {@code sidecar/target/patternkit-sidecar.jar} in the working directory or one of its parents.
 *
 * <p>The sidecar runs on this JVM's {@code java} unless {@link Builder#java(Path)} or the environment
 * variable {@value #ENV_JAVA} names another (the sidecar, an executable, may run on a newer JDK than
 * the app's), and starts with the AOT cache (JDK 25 and later; JEPs 483 and 514) that
 * {@link Builder#aotCache(Path)} or {@value #ENV_AOT_CACHE} names, if any: trained once by
 * {@code scripts/sidecar-aot.sh}, it halves the sidecar's start-up (docs/operations.md). With a cache the
 * sidecar also trims its C heap every second ({@code -XX:TrimNativeHeapInterval=1000}), as docs/operations.md
 * advises on JDK 25.
 *
 * <p>On SIGTERM a sidecar keeps serving its app until the app has closed its connections (its
 * {@code --app-drain-timeout}, 25 s by default). Here the app is usually the test itself, which
 * outlives the sidecar, so a sidecar started by this class drains at once ({@code --app-drain-timeout 0})
 * unless {@link Builder#appDrainTimeout(Duration)} says otherwise, as a test or sample of that wait does.
 *
 * <p>Instances are not thread-safe; use one from one thread, or synchronise.
 */
public final class SidecarProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SidecarProcess.class);
    private static final Pattern LISTENING = Pattern.compile("listening on (https?://\\S+?:(\\d+))");
    private static final String DEFAULT_JAR = "sidecar/target/patternkit-sidecar.jar";
    /** Environment variable naming the {@code java} executable sidecars run on; default this JVM's. */
    public static final String ENV_JAVA = "PATTERNKIT_SIDECAR_JAVA";
    /** Environment variable naming an AOT cache the sidecars start with ({@code -XX:AOTCache}, JDK 25 and later). */
    public static final String ENV_AOT_CACHE = "PATTERNKIT_SIDECAR_AOT_CACHE";
    /**
     * Given back to the OS every second, the C heap the JIT compiler's start-up work left free: about 6 MB of an
     * idle sidecar's RSS (JDK 22 and later, so passed with an AOT cache, which needs JDK 25; docs/operations.md).
     */
    static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=1000";
    /** Maven's property for the local repository, passed on to the sidecar ({@link #command()}). */
    static final String MAVEN_REPO_LOCAL = "maven.repo.local";

    private final Builder config;
    private final Path logFile;
    private Process process;
    private URI baseUrl;

    private SidecarProcess(Builder config) throws IOException {
        this.config = config;
        this.logFile = Files.createTempFile("patternkit-sidecar-" + config.pattern + "-", ".log");
    }

    /**
     * Starts describing the one sidecar that serves several patterns on one port
     * ({@code patternkit-sidecar run --patterns ...}); pass every pattern's options through
     * {@link Builder#args}, and {@link Builder#postgres} for the PostgreSQL engine.
     *
     * @param patterns the patterns to serve, such as {@code "workqueue", "leader", "scatter"}; none for all
     * @return a builder with defaults: SQLite engine, a fresh temporary data directory, no token
     */
    public static Builder run(String... patterns) {
        Builder builder = new Builder("run");
        if (patterns.length > 0) {
            builder.args("--patterns", String.join(",", patterns));
        }
        return builder;
    }

    /**
     * Starts describing a work-queue sidecar.
     *
     * @return a builder with defaults: SQLite engine, a fresh temporary data directory, no token
     */
    public static Builder workqueue() {
        return new Builder("workqueue");
    }

    /**
     * Starts describing a leader-election sidecar. Pass its options through {@link Builder#args},
     * such as {@code --lease-duration 3s --renew-deadline 2s --retry-period 500ms}, and
     * {@link Builder#postgres} for the PostgreSQL engine.
     *
     * @return a builder with defaults: SQLite engine, a fresh temporary data directory, no token
     */
    public static Builder leader() {
        return new Builder("leader");
    }

    /**
     * Starts describing a scatter/gather root sidecar. It keeps its registrations in memory and has no
     * engine, so it gets no data directory; pass its options through {@link Builder#args}, such as
     * {@code --hedge-min-samples 5 --default-deadline 500ms}, and the leaves' token with {@link Builder#apiToken}.
     *
     * @return a builder with defaults: no token, an ephemeral port
     */
    public static Builder scatter() {
        return new Builder("scatter", false);
    }

    /**
     * The command line {@link #start()} runs. A {@code maven.repo.local} this JVM was given is passed on, as an
     * absolute path: on macOS and Windows the sidecar takes SQLite's native library from sqlite-jdbc's jar in the
     * local Maven repository (docs/operations.md, Platforms).
     *
     * @return the {@code java} executable, its options, {@code -jar}, the jar and the sidecar's arguments
     */
    List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(config.java.toString());
        if (config.aotCache != null) {
            command.add("-XX:AOTCache=" + config.aotCache);
            command.add(TRIM_NATIVE_HEAP);
        }
        String mavenRepository = System.getProperty(MAVEN_REPO_LOCAL);
        if (mavenRepository != null && !mavenRepository.isBlank()) {
            command.add("-D" + MAVEN_REPO_LOCAL + "=" + Path.of(mavenRepository).toAbsolutePath());
        }
        command.addAll(config.jvmArgs);
        command.add("-jar");
        command.add(config.resolveJar().toString());
        command.add(config.pattern);
        command.add("--port");
        command.add(Integer.toString(config.port));
        if (config.hasEngine) {
            command.add("--data");
            command.add(config.dataDir.toString());
        }
        command.add("--app-drain-timeout");
        command.add(config.appDrainTimeout.toMillis() + "ms");
        command.addAll(config.args);
        return command;
    }

    /**
     * Starts the process and waits until it listens.
     *
     * @return this, for chaining
     * @throws IllegalStateException when the sidecar exits or does not listen within the start
     *     timeout; the message carries the tail of its log
     * @throws UncheckedIOException when the process cannot be started
     */
    public SidecarProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("sidecar already running at " + baseUrl);
        }
        List<String> command = command();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(config.env);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        CompletableFuture<URI> listening = new CompletableFuture<>();
        DaemonThreads.newThread("sidecar-log-" + process.pid(), () -> pumpOutput(process, listening)).start();
        try {
            baseUrl = listening.get(config.startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            throw new IllegalStateException("sidecar did not start within " + config.startTimeout
                    + "; log " + logFile + ":\n" + tailOfLog(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while starting the sidecar", e);
        }
        log.debug("sidecar {} started at {} (pid {})", config.pattern, baseUrl, process.pid());
        return this;
    }

    private void pumpOutput(Process p, CompletableFuture<URI> listening) {
        try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.write(line);
                out.write(System.lineSeparator());
                out.flush();
                if (!listening.isDone()) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(URI.create(m.group(1)));
                    }
                }
            }
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("sidecar exited with " + exitCodeOf(p)));
    }

    private static String exitCodeOf(Process p) {
        try {
            return Integer.toString(p.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * The base URL the sidecar listens on, such as {@code http://127.0.0.1:40123}.
     *
     * @return the URL of the last start
     * @throws IllegalStateException before the first {@link #start()}
     */
    public URI baseUrl() {
        if (baseUrl == null) {
            throw new IllegalStateException("sidecar not started");
        }
        return baseUrl;
    }

    /** @return the operating-system process id of the running sidecar */
    public long pid() {
        return Objects.requireNonNull(process, "sidecar not started").pid();
    }

    /** @return whether the process is running */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** @return the file holding the sidecar's standard output and error */
    public Path logFile() {
        return logFile;
    }

    /**
     * @return the data directory of the embedded engine (shared when several sidecars are given the same one)
     * @throws IllegalStateException for the scatter sidecar, which has no engine
     */
    public Path dataDir() {
        if (!config.hasEngine) {
            throw new IllegalStateException("the " + config.pattern + " sidecar has no data directory");
        }
        return config.dataDir;
    }

    /**
     * Kills the process with SIGKILL ({@code kill -9}): no shutdown hook runs, nothing is flushed
     * beyond what the engine already made durable. Waits until the process is gone.
     */
    public void kill() {
        Signals.kill(started());
    }

    /** Pauses the process with SIGSTOP; it keeps its sockets but answers nothing until {@link #resume()}. */
    public void pause() {
        Signals.send(started(), "STOP");
    }

    /** Resumes a process paused by {@link #pause()} (SIGCONT). */
    public void resume() {
        Signals.send(started(), "CONT");
    }

    /**
     * Asks the process to stop with SIGTERM, as Kubernetes does, and waits for it to exit.
     *
     * @param grace how long to wait before falling back to SIGKILL
     * @return the exit code, or -1 when it had to be killed
     */
    public int terminate(Duration grace) {
        if (process == null) {
            return -1;
        }
        return Signals.terminate(process, grace);
    }

    private Process started() {
        if (process == null) {
            throw new IllegalStateException("sidecar not started");
        }
        return process;
    }

    private String tailOfLog() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Stops the sidecar with SIGTERM (10 s grace, then SIGKILL). Safe to call more than once. */
    @Override
    public void close() {
        if (isAlive()) {
            terminate(Duration.ofSeconds(10));
        }
    }

    /** Immutable-in-use settings of a {@link SidecarProcess}; each setter returns this builder. */
    public static final class Builder {
        private final String pattern;
        private final boolean hasEngine;
        private final List<String> args = new ArrayList<>();
        /** Tuned for quick starts in tests: small stacks, the serial collector, C1 only. */
        private static final String TEST_JVM_ARGS_TEXT = "-Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
        private static final List<String> TEST_JVM_ARGS = List.of(TEST_JVM_ARGS_TEXT.split(" "));
        private final List<String> jvmArgs = new ArrayList<>(TEST_JVM_ARGS);
        private final Map<String, String> env = new java.util.HashMap<>();
        private Path jar;
        private Path java = fromEnvironment(ENV_JAVA).orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
        private Path aotCache = fromEnvironment(ENV_AOT_CACHE).orElse(null);
        private Path dataDir;
        private int port;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration appDrainTimeout = Duration.ZERO;

        private Builder(String pattern) {
            this(pattern, true);
        }

        private Builder(String pattern, boolean hasEngine) {
            this.pattern = pattern;
            this.hasEngine = hasEngine;
        }

        /**
         * @param jar the sidecar's executable jar
         * @return this builder
         */
        public Builder jar(Path jar) {
            this.jar = Objects.requireNonNull(jar, "jar");
            return this;
        }

        /**
         * @param java the {@code java} executable the sidecar runs on; default {@value #ENV_JAVA}, else this JVM's
         * @return this builder
         */
        public Builder java(Path java) {
            this.java = Objects.requireNonNull(java, "java");
            return this;
        }

        /**
         * @param aotCache an AOT cache trained on the same jar, at the same path, by the same JDK (see
         *     {@code scripts/sidecar-aot.sh}); the JDK must be 25 or later, which a JDK 17 {@code java}
         *     refuses as an unknown option. A stale cache is ignored by the JVM, which says why in the log.
         *     Default {@value #ENV_AOT_CACHE}, else none
         * @return this builder
         */
        public Builder aotCache(Path aotCache) {
            this.aotCache = Objects.requireNonNull(aotCache, "aotCache");
            return this;
        }

        private static Optional<Path> fromEnvironment(String name) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
        }

        /**
         * @param dataDir the embedded engine's directory; give several sidecars the same one to share a queue
         * @return this builder
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /**
         * @param port the port to listen on; 0 (the default) picks a free one
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Selects the PostgreSQL engine.
         *
         * @param jdbcUrl a {@code jdbc:postgresql://} URL; credentials may be in it
         * @return this builder
         */
        public Builder postgres(String jdbcUrl) {
            args.addAll(List.of("--engine", "postgres", "--jdbc-url", jdbcUrl));
            return this;
        }

        /**
         * @param token the shared API token every request must carry, or {@code null} for none
         * @return this builder
         */
        public Builder apiToken(String token) {
            if (token == null) {
                env.remove("PATTERNKIT_API_TOKEN");
            } else {
                env.put("PATTERNKIT_API_TOKEN", token);
            }
            return this;
        }

        /**
         * Sets an environment variable of the sidecar process, such as {@code PATTERNKIT_JDBC_PASSWORD}, or
         * {@code LD_PRELOAD} and {@code FAKETIME} to give it a clock of its own ({@code libfaketime}).
         *
         * @param name the variable's name, not null
         * @param value its value, not null
         * @return this builder
         */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Replaces the JVM options of the sidecar process. The default, {@code -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1},
         * starts quickly and suits tests; a long run (a benchmark, a big job) does better with the
         * JVM's full tiered compilation, for example {@code jvmArgs("-XX:+UseSerialGC")}.
         *
         * @param options the options, possibly none
         * @return this builder
         */
        public Builder jvmArgs(String... options) {
            jvmArgs.clear();
            jvmArgs.addAll(List.of(options));
            return this;
        }

        /**
         * @param more extra command-line options, such as {@code --backoff-base 10ms}
         * @return this builder
         */
        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        /**
         * @param timeout the sidecar's {@code --app-drain-timeout}: on SIGTERM it keeps serving its app (its
         *     loopback connections) until the app has closed them, for at most this long; not negative;
         *     default zero (drain at once), because the app of a test is the test itself
         * @return this builder
         */
        public Builder appDrainTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("appDrainTimeout must not be negative, got " + timeout);
            }
            this.appDrainTimeout = timeout;
            return this;
        }

        /**
         * @param timeout how long {@link SidecarProcess#start()} waits for the sidecar to listen (default 60 s)
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Creates the (not yet started) process handle.
         *
         * @return a handle; call {@link SidecarProcess#start()}
         * @throws UncheckedIOException when the temporary data directory or log cannot be created
         */
        public SidecarProcess build() {
            try {
                if (dataDir == null && hasEngine) {
                    dataDir = Files.createTempDirectory("patternkit-data-");
                }
                return new SidecarProcess(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Builds and starts in one step.
         *
         * @return a running sidecar
         */
        public SidecarProcess start() {
            return build().start();
        }

        private Path resolveJar() {
            if (jar != null) {
                return requireFile(jar);
            }
            String configured = System.getProperty("patternkit.sidecar.jar", System.getenv("PATTERNKIT_SIDECAR_JAR"));
            if (configured != null) {
                return requireFile(Path.of(configured));
            }
            for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(DEFAULT_JAR);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
            throw new IllegalStateException("cannot find " + DEFAULT_JAR + " from " + Path.of("").toAbsolutePath()
                    + "; build it with `mvn -pl sidecar -am package` or set PATTERNKIT_SIDECAR_JAR");
        }

        private static Path requireFile(Path p) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("sidecar jar not found: " + p.toAbsolutePath());
            }
            return p;
        }
    }
}
