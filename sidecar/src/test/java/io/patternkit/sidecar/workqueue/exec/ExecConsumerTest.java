package io.patternkit.sidecar.workqueue.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.patternkit.sidecar.TestEngines;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.HostSettings;
import io.patternkit.sidecar.host.SidecarHost;
import io.patternkit.sidecar.workqueue.WorkQueueModule;
import io.patternkit.sidecar.workqueue.WorkQueueSettings;
import io.patternkit.sidecar.engine.sqlite.SqliteQueueEngine;
import io.patternkit.sidecar.workqueue.Backoff;
import io.patternkit.sidecar.workqueue.ClaimedItem;
import io.patternkit.sidecar.workqueue.DeadLetter;
import io.patternkit.sidecar.workqueue.NewItem;
import io.patternkit.sidecar.workqueue.QueueEngine;
import io.patternkit.sidecar.workqueue.QueueStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar running real {@code sh -c} commands per item on a temporary SQLite file. A second
 * engine on the same file (as a second local process would) enqueues and inspects the items.
 */
class ExecConsumerTest {
    private static final String QUEUE = "stage";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private Path out;
    private QueueEngine probe;
    private SidecarHost sidecar;

    @BeforeEach
    void openProbe() throws IOException {
        out = Files.createDirectory(dir.resolve("out"));
        probe = SqliteQueueEngine.open(dir.resolve("patternkit.db"), Clock.systemUTC(), new Backoff(10, 50));
    }

    @AfterEach
    void close() {
        if (sidecar != null) {
            sidecar.close();
        }
        probe.close();
    }

    /** Starts a sidecar running {@code sh -c script sh OUT} per item of {@link #QUEUE}. */
    private void start(String script, int concurrency, Duration timeout, Duration visibility, Duration drainTimeout) {
        ExecSettings exec = new ExecSettings(QUEUE, List.of("sh", "-c", script, "sh", out.toString()), concurrency,
                timeout, visibility, Duration.ofMillis(200));
        WorkQueueSettings settings = new WorkQueueSettings(16 * 1024, Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofMinutes(5), 5, Optional.of(exec));
        QueueEngine engine = SqliteQueueEngine.open(dir.resolve("patternkit.db"), Clock.systemUTC(), new Backoff(10, 50));
        HostSettings host = new HostSettings("127.0.0.1", 0, Optional.empty(), 64 * 1024, drainTimeout);
        sidecar = SidecarHost.start(host, TestEngines.serving(engine), List.of(new WorkQueueModule(settings)), Ticker.system());
    }

    private void start(String script) {
        start(script, 1, Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    private long enqueue(String payloadJson, String fileRef, int maxAttempts) {
        return probe.enqueue(QUEUE, List.of(new NewItem(payloadJson, fileRef, null, 0, 0, maxAttempts, 60_000))).get(0).id();
    }

    private QueueStats stats() {
        probe.deadLetterExpired(QUEUE);
        return probe.stats(QUEUE);
    }

    private DeadLetter onlyDeadLetter() {
        await().atMost(WAIT).until(() -> stats().dead() == 1);
        List<DeadLetter> dead = probe.deadLetters(QUEUE, 10);
        assertThat(dead).hasSize(1);
        return dead.get(0);
    }

    private String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String metrics() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + sidecar.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    private long pidIn(Path file) {
        return Long.parseLong(read(file).strip());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void exitZeroAcksAndTheCommandSeesItsItem() throws Exception {
        Path input = Files.writeString(dir.resolve("input.txt"), "hello from a file\n");
        start("o=\"$1/$WORK_ITEM_ID\"; {"
                + " echo \"attempt=$WORK_ITEM_ATTEMPT\"; echo \"file=${WORK_ITEM_FILE-unset}\";"
                + " echo \"payloadFile=${WORK_ITEM_PAYLOAD_FILE-unset}\";"
                + " if [ -n \"${WORK_ITEM_FILE-}\" ]; then cat \"$WORK_ITEM_FILE\"; fi;"
                + " if [ -n \"${WORK_ITEM_PAYLOAD_FILE-}\" ]; then cat \"$WORK_ITEM_PAYLOAD_FILE\"; fi;"
                + " } > \"$o.tmp\" && mv \"$o.tmp\" \"$o\"");
        long fileItem = enqueue(null, input.toString(), 5);
        long payloadItem = enqueue("{\"n\":1,\"name\":\"x\"}", null, 5);

        await().atMost(WAIT).until(() -> stats().acked() == 2);
        assertThat(read(out.resolve(Long.toString(fileItem)))).isEqualTo(
                "attempt=1\nfile=" + input + "\npayloadFile=unset\nhello from a file\n");
        String payloadRun = read(out.resolve(Long.toString(payloadItem)));
        assertThat(payloadRun).startsWith("attempt=1\nfile=unset\npayloadFile=/").endsWith("\n{\"n\":1,\"name\":\"x\"}");
        Path payloadFile = Path.of(payloadRun.lines().toList().get(2).substring("payloadFile=".length()));
        assertThat(payloadFile).doesNotExist();
        assertThat(stats()).extracting(QueueStats::ready, QueueStats::inFlight, QueueStats::dead).containsExactly(0L, 0L, 0L);
        // A command's outcome is counted once its ack has committed, after the engine's count the wait above read.
        await().atMost(WAIT).untilAsserted(() -> assertThat(metrics())
                .contains("patternkit_workqueue_exec_commands_total{outcome=\"acked\",queue=\"stage\"} 2.0")
                .contains("patternkit_workqueue_exec_commands_total{outcome=\"timed_out\",queue=\"stage\"} 0.0")
                .contains("patternkit_workqueue_exec_duration_seconds_count{outcome=\"acked\",queue=\"stage\"} 2")
                .contains("patternkit_workqueue_items_total{event=\"acked\",queue=\"stage\"} 2.0"));
    }

    @Test
    void failingExitNacksWithTheLastStderrLineAndTheItemIsRetried() throws Exception {
        start("echo \"$WORK_ITEM_ATTEMPT\" >> \"$1/attempts\"; echo 'an earlier line' >&2;"
                + " echo \"cannot reach the thing on attempt $WORK_ITEM_ATTEMPT\" >&2; echo >&2; exit 1");
        enqueue("{}", null, 2);

        DeadLetter dead = onlyDeadLetter();
        assertThat(dead.attempts()).isEqualTo(2);
        assertThat(dead.reason()).isEqualTo("exit status 1: cannot reach the thing on attempt 2");
        assertThat(read(out.resolve("attempts"))).isEqualTo("1\n2\n");
        await().atMost(WAIT).untilAsserted(() -> assertThat(metrics()) // counted after the nack commits, as above
                .contains("patternkit_workqueue_exec_commands_total{outcome=\"retried\",queue=\"stage\"} 1.0")
                .contains("patternkit_workqueue_exec_commands_total{outcome=\"dead_lettered\",queue=\"stage\"} 1.0"));
    }

    @Test
    void tempFailRetriesAndDataErrorDeadLettersAtOnce() {
        // Exit 75 (EX_TEMPFAIL) on the first attempt, 65 (EX_DATAERR) on the second: 5 attempts allowed, 2 used.
        start("echo \"$WORK_ITEM_ATTEMPT\" >> \"$1/attempts\";"
                + " if [ \"$WORK_ITEM_ATTEMPT\" = 1 ]; then echo busy >&2; exit 75; fi;"
                + " echo \"not an image: $WORK_ITEM_FILE\" >&2; exit 65");
        enqueue(null, "/in/x.raw", 5);

        DeadLetter dead = onlyDeadLetter();
        assertThat(dead.attempts()).isEqualTo(2);
        assertThat(dead.reason()).isEqualTo("exit status 65: not an image: /in/x.raw");
        assertThat(read(out.resolve("attempts"))).isEqualTo("1\n2\n");
    }

    @Test
    void aCommandPastItsTimeoutIsKilledEvenWhenItIgnoresSigterm() {
        start("echo $$ > \"$1/pid.tmp\"; mv \"$1/pid.tmp\" \"$1/pid\"; trap '' TERM; while :; do sleep 0.05; done",
                1, Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(5));
        enqueue("{}", null, 1);

        DeadLetter dead = onlyDeadLetter();
        assertThat(dead.reason()).isEqualTo("timed out after 300ms");
        long pid = pidIn(out.resolve("pid"));
        assertThat(pid).isPositive();
        await().atMost(WAIT).until(() -> !alive(pid));
    }

    @Test
    void noMoreCommandsRunThanTheConcurrencyAndClaimsAreExtended() {
        // Each run takes longer than the visibility timeout: only extension keeps it from being redelivered. The
        // extensions come every third of it (333 ms), so a stall of up to 600 ms on a loaded machine loses no claim.
        start("s=$(date +%s%N); sleep 1.2; e=$(date +%s%N); echo \"$WORK_ITEM_ID $WORK_ITEM_ATTEMPT $s $e\" >> \"$1/log\"",
                2, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
        for (int i = 0; i < 6; i++) {
            enqueue("{\"i\":" + i + "}", null, 5);
        }

        await().atMost(WAIT).until(() -> stats().acked() == 6);
        List<long[]> runs = read(out.resolve("log")).lines()
                .map(l -> Arrays.stream(l.split(" ")).mapToLong(Long::parseLong).toArray()).toList();
        assertThat(runs).hasSize(6);
        assertThat(runs.stream().map(r -> r[0]).collect(Collectors.toSet())).hasSize(6);
        assertThat(runs).allSatisfy(r -> assertThat(r[1]).as("attempt").isEqualTo(1));
        assertThat(maxOverlap(runs)).isEqualTo(2);
    }

    private static int maxOverlap(List<long[]> runs) {
        List<long[]> events = new ArrayList<>();
        for (long[] r : runs) {
            events.add(new long[] {r[2], 1});
            events.add(new long[] {r[3], -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int running = 0;
        int max = 0;
        for (long[] e : events) {
            running += (int) e[1];
            max = Math.max(max, running);
        }
        return max;
    }

    @Test
    void drainWaitsForARunningCommandAndClaimsNothingMore() throws Exception {
        start("touch \"$1/started.$WORK_ITEM_ID\"; while [ ! -e \"$1/go\" ]; do sleep 0.05; done",
                1, Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(15));
        long first = enqueue("{\"n\":1}", null, 5);
        long second = enqueue("{\"n\":2}", null, 5);
        await().atMost(WAIT).until(() -> Files.exists(out.resolve("started." + first)));

        CompletableFuture<Void> drained = CompletableFuture.runAsync(sidecar::drainAndClose);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.port() + "/healthz/ready")).build();
        await().atMost(WAIT).until(() -> http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 503);
        assertThat(drained).isNotDone();
        Files.createFile(out.resolve("go"));
        drained.get();
        sidecar = null;

        assertThat(stats()).extracting(QueueStats::acked, QueueStats::ready, QueueStats::inFlight).containsExactly(1L, 1L, 0L);
        assertThat(out.resolve("started." + second)).doesNotExist();
        List<ClaimedItem> next = probe.claim(QUEUE, 1, 30_000);
        assertThat(next).extracting(ClaimedItem::id, ClaimedItem::attempt).containsExactly(tuple(second, 1));
    }

    @Test
    void drainKillsACommandStillRunningAtTheDeadlineAndReleasesItsItemAtOnce() {
        start("echo $$ > \"$1/pid.tmp\"; mv \"$1/pid.tmp\" \"$1/pid\"; exec sleep 30",
                1, Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofMillis(300));
        long id = enqueue("{}", null, 5);
        await().atMost(WAIT).until(() -> Files.exists(out.resolve("pid")));
        long pid = pidIn(out.resolve("pid"));

        long start = System.nanoTime();
        sidecar.drainAndClose();
        sidecar = null;
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        assertThat(alive(pid)).isFalse();
        // Released with delay 0: claimable now, although the claim had 30 s of visibility left.
        assertThat(stats()).extracting(QueueStats::ready, QueueStats::inFlight).containsExactly(1L, 0L);
        List<ClaimedItem> again = probe.claim(QUEUE, 1, 30_000);
        assertThat(again).extracting(ClaimedItem::id, ClaimedItem::attempt).containsExactly(tuple(id, 2));
    }
}
