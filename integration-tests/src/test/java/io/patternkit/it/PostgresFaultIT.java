package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.core.SidecarConfig;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.QueueStats;
import io.patternkit.workqueue.WorkHandler;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueueConsumer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine faults on PostgreSQL (issue 14), on a private server this test starts and breaks
 * ({@code scripts/pg-start.sh} on its own port and directory, so the suite's shared server is not touched):
 * while a consumer works through a queue, PostgreSQL is stopped with an immediate shutdown (a crash: its
 * backends killed, no checkpoint) and started again, then frozen with SIGSTOP until the sidecar turns not
 * ready. The sidecar must answer 503 {@code engine-unavailable} problems and turn not ready while the engine is away, recover
 * without being restarted, lose no item, and never hand one item to two handlers within its visibility
 * timeout.
 */
class PostgresFaultIT {
    private static final int PORT = 55_439;
    private static final Path SCRIPTS = Path.of("..", "scripts").toAbsolutePath().normalize();
    private static final int ITEMS = 600;
    private static Path pgDir;
    private static String jdbcUrl;

    @TempDir
    Path tmp;

    private final Resources resources = new Resources();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startPostgres() throws Exception {
        assumeTrue(Files.isExecutable(SCRIPTS.resolve("pg-start.sh")), "scripts/pg-start.sh not found from " + SCRIPTS);
        pgDir = Files.createTempDirectory("patternkit-pg-faults-");
        String out = script("pg-start.sh", "--fresh");
        Matcher m = Pattern.compile("PATTERNKIT_TEST_JDBC_URL='([^']+)'").matcher(out);
        assertThat(m.find()).as("pg-start.sh printed the URL: %s", out).isTrue();
        jdbcUrl = m.group(1);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pgDir != null) {
            try {
                resume(); // in case a failed test left it frozen
            } finally {
                script("pg-stop.sh"); // even so: a server left running on the private port would serve the next run
            }
            try (var files = Files.walk(pgDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        resources.close();
    }

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    @Test
    void aCrashAndAFreezeOfPostgresLoseNothingAndTheSidecarRecoversOnItsOwn() throws Exception {
        Consumed run = new Consumed(jdbcUrl, "faults-");
        SidecarProcess sidecar = run.sidecar;
        long pid = sidecar.pid();
        String queueName = run.queueName;
        WorkQueue queue = run.queue;
        Set<String> processed = run.processed;

        // 1. A crash: every backend killed at once, no checkpoint; the sidecar answers 503 while it is down.
        await().atMost(2, TimeUnit.MINUTES).until(() -> processed.size() >= ITEMS / 4);
        script("pg-stop.sh", "--immediate");
        HttpResponse<String> down = await().atMost(30, TimeUnit.SECONDS).until(
                () -> get(sidecar.baseUrl().resolve("/v1/queues/" + queueName + "/stats")), r -> r.statusCode() == 503);
        assertThat(down.headers().firstValue("Content-Type")).hasValueSatisfying(c -> assertThat(c)
                .startsWith("application/problem+json"));
        assertThat(down.body()).contains("urn:patternkit:problem:engine-unavailable");
        assertThat(down.headers().firstValue("Retry-After")).isPresent();
        await().atMost(30, TimeUnit.SECONDS).until(() -> get(sidecar.baseUrl().resolve("/healthz/ready")).statusCode() == 503);
        long restart = System.nanoTime();
        script("pg-start.sh");
        await().atMost(1, TimeUnit.MINUTES).until(() -> get(sidecar.baseUrl().resolve("/healthz/ready")).statusCode() == 200);
        long readyMs = (System.nanoTime() - restart) / 1_000_000;

        // 2. A freeze: SIGSTOP on the postmaster and every backend, as in a long stall of the database host, held
        // until the sidecar has noticed it (its readiness check cannot reach the engine and answers 503).
        int before = processed.size();
        await().atMost(2, TimeUnit.MINUTES).until(() -> processed.size() >= before + ITEMS / 4);
        freeze();
        try {
            await().atMost(1, TimeUnit.MINUTES).ignoreExceptions()
                    .until(() -> get(sidecar.baseUrl().resolve("/healthz/ready")).statusCode() == 503);
        } finally {
            resume();
        }
        await().atMost(1, TimeUnit.MINUTES).until(() -> get(sidecar.baseUrl().resolve("/healthz/ready")).statusCode() == 200);

        await().atMost(3, TimeUnit.MINUTES).ignoreExceptions().until(() -> {
            QueueStats s = queue.stats();
            return s.acked() == ITEMS && s.ready() + s.inFlight() + s.delayed() == 0;
        });
        assertThat(processed).as("every item processed, none lost").hasSize(ITEMS);
        assertThat(queue.stats().dead()).isZero();
        assertThat(run.overlaps).as("no item in two handlers within its visibility timeout").hasValue(0);
        assertThat(sidecar.isAlive()).isTrue();
        assertThat(sidecar.pid()).as("recovered without a restart").isEqualTo(pid);
        assertThat(get(sidecar.baseUrl().resolve("/healthz/ready")).statusCode()).isEqualTo(200);
        System.out.printf("[postgres faults] %d items, %d handler runs (%d redelivered after the crash), 0 lost, "
                + "0 overlapping; ready again %d ms after PostgreSQL was started again; same sidecar pid %d%n",
                ITEMS, run.completions.get(), run.completions.get() - ITEMS, readyMs, pid);
    }

    /**
     * The network between the sidecar and PostgreSQL, through a proxy the test breaks: first slowed (40 ms on
     * every chunk each way), then cut so that every open connection is black-holed for good (no FIN, no RST: a
     * lost NAT entry or route) and new ones hang, then healed for new connections only. The sidecar must notice
     * the dead connections by itself (no query may wait forever on one), answer 503 while the link is cut, and
     * recover without a restart once new connections work.
     */
    @Test
    void aSlowAndThenCutNetworkToPostgresLosesNothingAndTheSidecarRecoversOnItsOwn() throws Exception {
        FaultyLink link = track(FaultyLink.start(PORT));
        String viaLink = jdbcUrl.replace(":" + PORT + "/", ":" + link.port() + "/");
        Consumed run = new Consumed(viaLink, "network-");
        SidecarProcess sidecar = run.sidecar;
        long pid = sidecar.pid();
        String queueName = run.queueName;
        WorkQueue queue = run.queue;
        Set<String> processed = run.processed;

        // 1. A slow link: work goes on, slower.
        link.delay(Duration.ofMillis(40));
        int slowFrom = processed.size();
        await().atMost(2, TimeUnit.MINUTES).until(() -> processed.size() >= slowFrom + ITEMS / 4);
        link.delay(Duration.ZERO);

        // 2. A cut that kills every open connection silently; new connections hang until healed.
        await().atMost(2, TimeUnit.MINUTES).until(() -> processed.size() >= ITEMS / 2);
        long cutAt = System.nanoTime();
        link.cut();
        HttpResponse<String> down = await().atMost(1, TimeUnit.MINUTES).ignoreExceptions().until(
                () -> get(sidecar.baseUrl().resolve("/v1/queues/" + queueName + "/stats")), r -> r.statusCode() == 503);
        assertThat(down.body()).contains("urn:patternkit:problem:engine-unavailable");
        await().atMost(1, TimeUnit.MINUTES).ignoreExceptions()
                .until(() -> get(sidecar.baseUrl().resolve("/healthz/ready")).statusCode() == 503);
        long healed = System.nanoTime();
        link.heal();
        await().atMost(2, TimeUnit.MINUTES).ignoreExceptions()
                .until(() -> get(sidecar.baseUrl().resolve("/healthz/ready")).statusCode() == 200);
        long readyMs = (System.nanoTime() - healed) / 1_000_000;
        // Every black-holed connection noticed and closed by the sidecar, its pool's and its LISTEN's alike:
        // none left with a query or a thread waiting on it for ever.
        await().atMost(1, TimeUnit.MINUTES).until(link::doomedStillOpen, n -> n == 0);
        long noticedMs = (System.nanoTime() - cutAt) / 1_000_000;

        await().atMost(3, TimeUnit.MINUTES).ignoreExceptions().until(() -> {
            QueueStats s = queue.stats();
            return s.acked() == ITEMS && s.ready() + s.inFlight() + s.delayed() == 0;
        });
        assertThat(processed).as("every item processed, none lost").hasSize(ITEMS);
        assertThat(run.overlaps).as("no item in two handlers within its visibility timeout").hasValue(0);
        assertThat(sidecar.pid()).as("recovered without a restart").isEqualTo(pid);
        System.out.printf("[postgres network] %d items, 0 lost, 0 overlapping; %d connections black-holed by the cut, "
                + "all closed by the sidecar %d ms after it; ready again %d ms after the link was healed; same sidecar "
                + "pid %d%n", ITEMS, link.doomedConnections(), noticedMs, readyMs, pid);
    }

    /**
     * A work-queue sidecar on a PostgreSQL, a queue of {@value #ITEMS} items (dedup keys {@code n-0}...), and a
     * consumer (4 handlers, batches of 8, 30 s visibility) that records what it processed and counts any item found
     * in two handlers at once.
     */
    private final class Consumed {
        final SidecarProcess sidecar;
        final String queueName;
        final WorkQueue queue;
        final Set<String> processed = ConcurrentHashMap.newKeySet();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicInteger completions = new AtomicInteger();
        private final Set<String> inProgress = ConcurrentHashMap.newKeySet();

        Consumed(String jdbc, String queuePrefix) {
            sidecar = track(SidecarProcess.workqueue().dataDir(tmp).postgres(jdbc)
                    .args("--backoff-base", "50ms", "--backoff-max", "1s").start());
            queueName = queuePrefix + UUID.randomUUID().toString().substring(0, 8);
            queue = track(WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar.baseUrl())
                    .callTimeout(Duration.ofSeconds(5)).retryBackoff(Duration.ofMillis(50)).build())).queue(queueName);
            queue.enqueueAll(IntStream.range(0, ITEMS).mapToObj(i -> Enqueue.json("{\"n\":" + i + "}")
                    .dedupKey("n-" + i).maxAttempts(50)).toList());
            WorkHandler handler = item -> {
                String key = item.dedupKey().orElseThrow();
                if (!inProgress.add(key)) {
                    overlaps.incrementAndGet();
                }
                inProgress.remove(key);
                processed.add(key);
                completions.incrementAndGet();
            };
            track(WorkQueueConsumer.builder(queue, handler).concurrency(4).batchSize(8)
                    .visibilityTimeout(Duration.ofSeconds(30)).pollWait(Duration.ofSeconds(1)).build()).start();
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGSTOP to the postmaster and its children (the backends, the WAL writer...). */
    private static void freeze() throws Exception {
        signal("STOP");
    }

    private static void resume() throws Exception {
        signal("CONT");
    }

    private static void signal(String signal) throws Exception {
        Path pidFile = pgDir.resolve("data").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        List<String> pids = new ArrayList<>(List.of(Long.toString(postmaster)));
        ProcessHandle.of(postmaster).ifPresent(p -> p.children().forEach(c -> pids.add(Long.toString(c.pid()))));
        for (String pid : pids) { // the postmaster first, so that it forks no child in between
            int exit = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start().waitFor();
            // A backend may exit between the listing and the signal (its connection closed): only a live one must take it.
            boolean alive = ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
            assertThat(exit == 0 || !alive).as("kill -%s %s exited %d, and the process is still there", signal, pid, exit).isTrue();
        }
    }

    /** Runs a script of {@code scripts/} on the private server; returns what it printed on standard output. */
    private static String script(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPTS.resolve(name).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(Map.of("PATTERNKIT_PG_PORT", Integer.toString(PORT), "PATTERNKIT_PG_DIR", pgDir.toString()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(name + " finished").isTrue();
        assertThat(p.exitValue()).as(name + " " + String.join(" ", args) + ": " + out).isZero();
        return out;
    }
}
