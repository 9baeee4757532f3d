package io.patternkit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An ElasticMQ server (SQS-compatible, {@code org.elasticmq.server.Main}) in a process of its own, as a user would run
 * it beside an app: the JVM's default flags, its libraries from {@code bench/elasticmq/target/lib} (the bench profile
 * copies them there), queues in memory or, with {@code h2}, messages kept in an H2 database file (ElasticMQ's
 * {@code messages-storage}), on an ephemeral loopback port. Its output goes to a file beside its data.
 */
final class ElasticMqProcess implements AutoCloseable {
    private final Process process;
    private final URI url;
    private final String storage;

    private ElasticMqProcess(Process process, URI url, String storage) {
        this.process = process;
        this.url = url;
        this.storage = storage;
    }

    /**
     * @param lib the directory of ElasticMQ's jars
     * @param work an empty directory for its configuration, data and log
     * @param h2 true to keep messages in H2, false for memory only
     * @return the running server, answering on its port
     * @throws IllegalStateException when it does not listen within 60 s
     */
    static ElasticMqProcess start(Path lib, Path work, boolean h2) {
        try {
            Files.createDirectories(work);
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            String storage = h2 ? "h2" : "memory";
            String config = "include classpath(\"application.conf\")\n"
                    + "node-address { protocol = http, host = \"127.0.0.1\", port = " + port + ", context-path = \"\" }\n"
                    + "rest-sqs { enabled = true, bind-port = " + port + ", bind-hostname = \"127.0.0.1\","
                    + " sqs-limits = strict }\n"
                    + "rest-stats { enabled = false }\n"
                    + (h2 ? "messages-storage { enabled = true, uri = \"jdbc:h2:" + work.resolve("elasticmq").toAbsolutePath()
                            + "\" }\n" : "");
            Path conf = work.resolve("elasticmq.conf");
            Files.writeString(conf, config, StandardCharsets.UTF_8);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-Dconfig.file=" + conf, "-cp", lib.toAbsolutePath() + "/*",
                    "org.elasticmq.server.Main")).redirectErrorStream(true)
                    .redirectOutput(work.resolve("elasticmq.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!listening(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("ElasticMQ (" + storage + ") did not listen on port " + port
                            + "; its log: " + work.resolve("elasticmq.log"));
                }
                Thread.sleep(20);
            }
            return new ElasticMqProcess(process, URI.create("http://127.0.0.1:" + port), storage);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting ElasticMQ", e);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the SQS endpoint */
    URI url() {
        return url;
    }

    /** @return its process id */
    long pid() {
        return process.pid();
    }

    /** @return {@code memory} or {@code h2} */
    String storage() {
        return storage;
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
