package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.management.ManagementServer;
import io.patternkit.core.NotFoundException;
import io.patternkit.core.SidecarConfig;
import io.patternkit.core.UnauthorizedException;
import io.patternkit.it.ScatterLeafMain.Hit;
import io.patternkit.protocol.Wire;
import io.patternkit.scatter.Completion;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.Hedging;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.PartialResultException;
import io.patternkit.scatter.PoolLeaves;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterLeaf;
import io.patternkit.scatter.ScatterMetrics;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.scatter.ShardOutcome;
import io.patternkit.scatter.ShardStatus;
import io.patternkit.testing.SidecarProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scatter/gather through real processes: one root sidecar ({@code patternkit-sidecar scatter}, with an API
 * token, shared by the tests, each on its own pool), leaf applications in separate JVMs
 * ({@link ScatterLeafMain}: {@code ScatterLeaf} on a {@code ManagementServer}, registering with the root),
 * and the root side through {@link ScatterClient}. Faults are real: {@code kill -9} of leaf processes,
 * leaves that never answer, fail, or answer late.
 *
 * <p>Timing tolerances (2 shared cores, C1-only JVMs): the root's own clock ends a call within
 * {@value #ROOT_SLACK_MS} ms after its deadline; the client's wall clock adds the HTTP round trip and
 * NDJSON reading, within {@value #CLIENT_SLACK_MS} ms. "Stops early" means below {@value #EARLY_MS} ms
 * against a straggler that would take 8 s or more, so the margin is several-fold either way (the early
 * stops measured here take 0.3 to 0.7 s once warm). Timed calls follow an untimed warm-up call, since a
 * cold leaf JVM's first answer can take most of a second on a busy machine.
 */
class ScatterGatherIT {
    private static final Logger log = LoggerFactory.getLogger(ScatterGatherIT.class);
    private static final String TOKEN = "it-scatter-" + UUID.randomUUID();
    /** How late the root may end a call after its deadline, on its own clock (elapsedMs). */
    private static final long ROOT_SLACK_MS = 250;
    /** How late the client may see the end of a call after the deadline, on its wall clock. */
    private static final long CLIENT_SLACK_MS = 600;
    /** An early stop finishes within this; the stragglers it stops take 8 s or more. */
    private static final long EARLY_MS = 3_000;
    private static final Duration LONG_TTL = Duration.ofSeconds(30);

    @TempDir
    static Path logs;

    private static SidecarProcess root;
    private static ScatterClient client;

    private final Resources resources = new Resources();
    private final String pool = "it-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startRoot() {
        root = SidecarProcess.scatter().apiToken(TOKEN).start();
        client = ScatterClient.create(SidecarConfig.builder().baseUrl(root.baseUrl()).apiToken(TOKEN)
                .callTimeout(Duration.ofSeconds(5)).build());
    }

    @AfterAll
    static void stopRoot() {
        if (client != null) {
            client.close();
        }
        if (root != null) {
            root.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        resources.close();
    }

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    private LeafApp leafApp(Duration ttl, String... specs) {
        return track(LeafApp.start(root.baseUrl(), TOKEN, logs, pool, ttl, specs));
    }

    /** Waits (through {@code GET /v1/pools/{pool}/leaves}) until the root lists every one of the leaves. */
    private void awaitRegistered(String... leafIds) {
        await("leaves " + List.of(leafIds) + " registered in " + pool).atMost(30, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> List.of(leafIds).stream().allMatch(client.leaves(pool)::contains));
    }

    private static ScatterOptions.Builder options(long deadlineMs) {
        return ScatterOptions.builder().deadline(Duration.ofMillis(deadlineMs)).hedging(Hedging.disabled());
    }

    private record Timed<T>(T result, long elapsedMs) {
    }

    private static <T> Timed<T> timed(Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        return new Timed<>(result, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** An untimed call to the named shards (all of them must answer), so that timed calls find warm JVMs. */
    private void warmUp(String... shards) {
        assertThat(scatter(options(10_000).shards(List.of(shards)).build()).isComplete()).isTrue();
    }

    private GatherResult<List<Hit>> scatter(ScatterOptions options) {
        return client.scatter(pool, "q", Hit.class, Merger.toList(), options);
    }

    private static ShardOutcome shard(GatherResult<?> r, String shard) {
        return r.shard(shard).orElseThrow(() -> new AssertionError("no outcome for " + shard + " in " + r));
    }

    @Test
    void aLeafThatNeverAnswersIsTimedOutAndTheCallEndsAtItsDeadline() {
        LeafApp app = leafApp(LONG_TTL, "a:s1:answer", "b:s2:never").awaitReady("a", "b");
        awaitRegistered("a", "b");
        warmUp("s1");

        long deadlineMs = 600;
        Timed<GatherResult<List<Hit>>> t = timed(() -> scatter(options(deadlineMs).build()));
        GatherResult<List<Hit>> r = t.result();

        log.info("never-answering leaf, deadline {} ms: root elapsed {} ms, client {} ms", deadlineMs,
                r.elapsed().toMillis(), t.elapsedMs());
        assertThat(r.elapsed().toMillis()).as("root's elapsedMs").isBetween(deadlineMs, deadlineMs + ROOT_SLACK_MS);
        assertThat(t.elapsedMs()).as("client's wall clock").isBetween(deadlineMs, deadlineMs + CLIENT_SLACK_MS);
        assertThat(shard(r, "s1").status()).isEqualTo(ShardStatus.ANSWERED);
        ShardOutcome s2 = shard(r, "s2");
        assertThat(s2.status()).isEqualTo(ShardStatus.TIMED_OUT);
        assertThat(s2.reason()).isPresent();
        assertThat(r.isComplete()).isFalse();
        assertThat(r.policyMet()).isFalse();
        assertThatThrownBy(r::value).isInstanceOf(PartialResultException.class).hasMessageContaining("s2 timedOut");
        assertThat(r.partialValue()).containsExactly(new Hit("s1", "a", 1));
        // The never-answering leaf was asked, and the root hung up on it at the deadline.
        app.awaitLine(l -> l.startsWith("CALL b " + r.scatterId() + " "), Duration.ofSeconds(5));
        app.awaitLine(l -> l.startsWith("CANCELLED b " + r.scatterId() + " "), Duration.ofSeconds(5));
        assertThat(r.stats().cancelledRequests()).isEqualTo(1);
    }

    @Test
    void partialResultsAreNeverSilentThroughTheSdk() {
        leafApp(LONG_TTL, "a:s1:answer", "c:s2:fail").awaitReady("a", "c");
        awaitRegistered("a", "c");

        GatherResult<List<Hit>> r = scatter(options(3_000).shards(List.of("s1", "s2", "s9")).build());

        assertThat(r.isComplete()).isFalse();
        assertThat(r.missing()).as("in the order they settled").extracting(ShardOutcome::shard)
                .containsExactlyInAnyOrder("s2", "s9");
        assertThat(shard(r, "s2").status()).isEqualTo(ShardStatus.FAILED);
        assertThat(shard(r, "s2").reason().orElseThrow()).contains(IllegalStateException.class.getName());
        assertThat(shard(r, "s9").status()).isEqualTo(ShardStatus.SKIPPED);
        assertThatThrownBy(r::value).isInstanceOf(PartialResultException.class)
                .hasMessageContaining("s2 failed").hasMessageContaining("s9 skipped")
                .satisfies(e -> assertThat(((PartialResultException) e).missing()).hasSize(2));
        assertThatThrownBy(r::valueIfPolicyMet).isInstanceOf(PartialResultException.class)
                .hasMessageContaining("s2 failed");
        assertThat(r.partialValue()).containsExactly(new Hit("s1", "a", 1));
    }

    @Test
    void aHedgedReplicasAnswerWinsAndTheLoserIsCancelled() {
        LeafApp app = leafApp(LONG_TTL, "fast:s1:answer", "slow:s1:answer:10000").awaitReady("fast", "slow");
        awaitRegistered("fast", "slow");
        // Warm-up without hedging, one call per replica (round-robin per shard), so that the fast replica is
        // answering in milliseconds before the timed calls; the call to the slow one ends at its short deadline.
        for (int i = 0; i < 2; i++) {
            scatter(options(300).build());
        }
        ScatterOptions hedged = ScatterOptions.builder().deadline(Duration.ofSeconds(3))
                .hedging(Hedging.enabled().withDelayBounds(Duration.ofMillis(300), Duration.ofMillis(300))
                        .withMaxExtraLoadPercent(50)).build();

        // Within two calls, one goes to the slow replica first and is hedged to the fast one after 300 ms.
        Timed<GatherResult<List<Hit>>> t = null;
        for (int i = 0; i < 2 && (t == null || t.result().partialValue().get(0).attempt() != 2); i++) {
            t = timed(() -> scatter(hedged));
            assertThat(t.result().isComplete()).isTrue();
        }
        GatherResult<List<Hit>> r = t.result();
        ShardOutcome s1 = shard(r, "s1");
        assertThat(s1.hedged()).as("one of two calls went to the slow replica first").isTrue();
        assertThat(s1.leafId()).contains("fast");
        assertThat(s1.attempts()).isEqualTo(2);
        assertThat(r.value()).containsExactly(new Hit("s1", "fast", 2));
        assertThat(r.stats().hedgedRequests()).isEqualTo(1);
        assertThat(r.stats().hedgesWon()).isEqualTo(1);
        assertThat(r.stats().cancelledRequests()).isEqualTo(1);
        log.info("hedge (delay 300 ms) won over a 10 s replica: root elapsed {} ms, client {} ms",
                r.elapsed().toMillis(), t.elapsedMs());
        assertThat(r.elapsed().toMillis()).as("the hedge waited for its delay").isGreaterThanOrEqualTo(300);
        assertThat(t.elapsedMs()).as("far below the slow replica's 10 s").isLessThan(EARLY_MS);
        // The loser saw its connection closed while it still had budget: cancelled, not timed out.
        String cancelled = app.awaitLine(l -> l.startsWith("CANCELLED slow " + r.scatterId() + " 1 "),
                Duration.ofSeconds(5));
        assertThat(Long.parseLong(cancelled.substring(cancelled.indexOf("remainingMs=") + 12))).isGreaterThan(1_000);
    }

    @Test
    void aDeadReplicasShardIsServedByAnotherReplica() {
        LeafApp doomed = leafApp(LONG_TTL, "r1:s1:answer");
        LeafApp survivor = leafApp(LONG_TTL, "r2:s1:answer");
        doomed.awaitReady("r1");
        survivor.awaitReady("r2");
        awaitRegistered("r1", "r2");
        warmUp("s1");
        warmUp("s1");

        doomed.kill();
        assertThat(client.leaves(pool).leafIds("s1")).as("the registration outlives the process for its TTL")
                .containsExactly("r1", "r2");
        List<GatherResult<List<Hit>>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Timed<GatherResult<List<Hit>>> t = timed(() -> scatter(options(3_000).build()));
            log.info("dead replica: call {} took {} ms, s1 attempts {}", i, t.elapsedMs(),
                    shard(t.result(), "s1").attempts());
            assertThat(t.elapsedMs()).as("a refused connection fails over at once").isLessThan(EARLY_MS);
            results.add(t.result());
        }
        assertThat(results).allSatisfy(r -> {
            assertThat(r.isComplete()).isTrue();
            assertThat(r.value()).extracting(Hit::leafId).containsExactly("r2");
        });
        assertThat(results).as("round-robin sent some calls to the dead replica first, which failed over")
                .anySatisfy(r -> assertThat(shard(r, "s1").attempts()).isEqualTo(2));
    }

    @Test
    void aLapsedRegistrationLeavesAfterItsTtlAndAGracefulCloseLeavesAtOnce() {
        Duration shortTtl = Duration.ofMillis(1_500);
        LeafApp keeper = leafApp(LONG_TTL, "keep:s1:answer");
        LeafApp lapser = leafApp(shortTtl, "lapse:s2:answer");
        keeper.awaitReady("keep");
        lapser.awaitReady("lapse");
        awaitRegistered("keep", "lapse");

        lapser.kill();
        long killed = System.nanoTime();
        PoolLeaves.Replica replica = client.leaves(pool).shard("s2").orElseThrow().replicas().get(0);
        long expiresInMs = replica.expiresIn().orElseThrow().toMillis();
        assertThat(expiresInMs).as("renewed every ttl/3 until the kill").isBetween(1L, shortTtl.toMillis());
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(() -> !client.leaves(pool).contains("lapse"));
        long goneAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        log.info("lapse: ttl {} ms, expiresIn after the kill {} ms, gone {} ms after the kill", shortTtl.toMillis(),
                expiresInMs, goneAfterMs);
        // It stays until its registration expires (not before: tolerance 50 ms for the two clocks' reads),
        // and goes soon after (within the TTL plus 500 ms of polling and load).
        assertThat(goneAfterMs).isBetween(expiresInMs - 50, shortTtl.toMillis() + 500);
        GatherResult<List<Hit>> r = scatter(options(10_000).shards(List.of("s1", "s2")).build());
        assertThat(shard(r, "s2").status()).isEqualTo(ShardStatus.SKIPPED);
        assertThat(shard(r, "s1").status()).isEqualTo(ShardStatus.ANSWERED);

        long closing = System.nanoTime();
        keeper.terminate();
        keeper.awaitLine(l -> l.equals("CLOSED keep"), Duration.ofSeconds(5));
        assertThat(client.leaves(pool).shards()).as("a graceful close leaves at once, not after its 30 s TTL").isEmpty();
        long closedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
        log.info("graceful close: gone from the pool {} ms after SIGTERM (ttl {} ms)", closedMs, LONG_TTL.toMillis());
        assertThat(closedMs).isLessThan(LONG_TTL.toMillis() / 3);
        assertThatThrownBy(() -> scatter(options(500).build())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void quorumAndFirstNStopEarlyAndCancelTheStraggler() {
        // s1 and s2 take 300 and 600 ms, so the root's request to the straggler has surely reached it when the
        // policy is met (a request cancelled before it was even sent would print nothing), and first-1 has one
        // clear winner.
        LeafApp app = leafApp(LONG_TTL, "a:s1:answer:300", "b:s2:answer:600", "c:s3:answer:8000")
                .awaitReady("a", "b", "c");
        awaitRegistered("a", "b", "c");
        warmUp("s1", "s2");

        Timed<GatherResult<List<Hit>>> quorum = timed(() -> scatter(options(10_000).completion(Completion.quorum()).build()));
        GatherResult<List<Hit>> q = quorum.result();
        log.info("quorum with an 8 s straggler: root elapsed {} ms, client {} ms", q.elapsed().toMillis(), quorum.elapsedMs());
        assertThat(quorum.elapsedMs()).as("far below the straggler's 8 s").isLessThan(EARLY_MS);
        assertThat(q.policyMet()).isTrue();
        assertThat(q.isComplete()).isFalse();
        assertThat(shard(q, "s3").status()).isEqualTo(ShardStatus.SKIPPED);
        assertThat(q.valueIfPolicyMet()).extracting(Hit::shard).containsExactlyInAnyOrder("s1", "s2");
        assertThatThrownBy(q::value).isInstanceOf(PartialResultException.class).hasMessageContaining("s3 skipped");
        assertThat(q.stats().cancelledRequests()).isEqualTo(1);
        String cancelled = app.awaitLine(l -> l.startsWith("CANCELLED c " + q.scatterId() + " "), Duration.ofSeconds(5));
        assertThat(Long.parseLong(cancelled.substring(cancelled.indexOf("remainingMs=") + 12))).isGreaterThan(1_000);

        Timed<GatherResult<List<Hit>>> first = timed(() -> scatter(options(10_000).completion(Completion.firstN(1)).build()));
        GatherResult<List<Hit>> f = first.result();
        log.info("firstN(1) with an 8 s straggler: root elapsed {} ms, client {} ms", f.elapsed().toMillis(), first.elapsedMs());
        assertThat(first.elapsedMs()).as("far below the straggler's 8 s").isLessThan(EARLY_MS);
        assertThat(f.policyMet()).isTrue();
        assertThat(f.shards()).filteredOn(ShardOutcome::answered).extracting(ShardOutcome::shard).containsExactly("s1");
        assertThat(f.valueIfPolicyMet()).extracting(Hit::shard).containsExactly("s1");
        assertThat(shard(f, "s2").status()).isEqualTo(ShardStatus.SKIPPED);
        assertThat(shard(f, "s3").status()).isEqualTo(ShardStatus.SKIPPED);
        assertThat(f.stats().cancelledRequests()).isEqualTo(2);
        app.awaitLine(l -> l.startsWith("CANCELLED c " + f.scatterId() + " "), Duration.ofSeconds(5));
    }

    @Test
    void theApiTokenGuardsTheRootAndTheLeaves() throws Exception {
        LeafApp app = leafApp(LONG_TTL, "a:s1:answer").awaitReady("a");
        awaitRegistered("a");
        // The root calls the leaf with the shared token; the leaf's server requires it.
        assertThat(scatter(options(3_000).build()).value()).containsExactly(new Hit("s1", "a", 1));

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String call = "{\"pool\":\"" + pool + "\",\"shard\":\"s1\",\"scatterId\":\"direct\",\"request\":\"q\"}";
        HttpRequest.Builder leafCall = HttpRequest.newBuilder(app.url("a")).header("Content-Type", "application/json")
                .header(Wire.HEADER_DEADLINE_MS, "2000").POST(HttpRequest.BodyPublishers.ofString(call));
        HttpResponse<String> without = http.send(leafCall.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(without.headers().firstValue("Content-Type")).contains(Wire.PROBLEM_JSON);
        assertThat(without.body()).contains("unauthorized");
        HttpResponse<String> wrong = http.send(leafCall.copy().header("Authorization", "Bearer not-" + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> with = http.send(leafCall.copy().header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(with.statusCode()).isEqualTo(200);
        app.awaitLine(l -> l.startsWith("ANSWERED a direct "), Duration.ofSeconds(5));
        assertThat(app.lines()).as("only the call with the token ran").filteredOn(l -> l.startsWith("CALL a direct "))
                .hasSize(1);

        // Without the token, the root refuses the client and a leaf's registration alike.
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ScatterClient anonymous = ScatterClient.create(SidecarConfig.builder().baseUrl(root.baseUrl())
                        .meterRegistry(meters).build());
                ManagementServer server = ManagementServer.builder().build().start();
                ScatterLeaf tokenless = ScatterLeaf.builder(anonymous, server).pool(pool).shard("s2").leafId("anon")
                        .ttl(Duration.ofSeconds(3)).handler(String.class, (q, ctx) -> "x").start()) {
            assertThatThrownBy(() -> anonymous.scatter(pool, "q", Hit.class, Merger.toList()))
                    .isInstanceOf(UnauthorizedException.class);
            assertThatThrownBy(() -> anonymous.leaves(pool)).isInstanceOf(UnauthorizedException.class);
            await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() ->
                    meters.find(ScatterMetrics.LEAF_HEARTBEATS).tag(ScatterMetrics.TAG_STATUS, "failed").counters()
                            .stream().mapToDouble(c -> c.count()).sum() >= 1);
            assertThat(tokenless.isRegistered()).isFalse();
            assertThat(client.leaves(pool).contains("anon")).isFalse();
        }
    }
}
