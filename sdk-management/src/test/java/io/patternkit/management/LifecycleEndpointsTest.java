package io.patternkit.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.HealthCheck;
import io.patternkit.lifecycle.HealthCheckResult;
import io.patternkit.lifecycle.HealthProbe;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.management.ManagementCalls.Reply;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The drain, the probes and the info document over real HTTP, every answer checked against the OpenAPI contract. */
class LifecycleEndpointsTest {
    private static final String TOKEN = "mgmt-token-1";
    private final List<Duration> budgets = new CopyOnWriteArrayList<>();
    private ManagementServer server;
    private Lifecycle lifecycle;
    private ManagementCalls calls;

    @BeforeEach
    void start() {
        server = ManagementServer.builder().apiToken(TOKEN).build().start();
        lifecycle = Lifecycle.builder().drainDeadline(Duration.ofSeconds(7)).build();
        lifecycle.register(DrainPhase.CLOSE_CLIENTS, "client", budgets::add);
        LifecycleEndpoints.mount(server, lifecycle);
        calls = new ManagementCalls(server, TOKEN);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Reply call(String method, String pathAndQuery, String body, boolean token) throws IOException {
        return calls.call(method, pathAndQuery, body, token);
    }

    @Test
    void probesNeedNoTokenAndReadinessTurns503WhenTheDrainBegins() throws IOException {
        assertThat(call("GET", LifecycleEndpoints.LIVE_PATH, null, false).status()).isEqualTo(200);
        Reply ready = call("GET", LifecycleEndpoints.READY_PATH, null, false);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("UP");

        lifecycle.drain(Duration.ofSeconds(1));

        Reply draining = call("GET", LifecycleEndpoints.READY_PATH, null, false);
        assertThat(draining.status()).isEqualTo(503);
        assertThat(draining.json().get("status").asText()).isEqualTo("DOWN");
        assertThat(draining.json().get("checks").get(0).get("name").asText()).isEqualTo("drain");
        assertThat(draining.json().get("checks").get(0).get("detail").asText()).isEqualTo("draining");
        assertThat(call("GET", LifecycleEndpoints.LIVE_PATH, null, false).status()).isEqualTo(200);
    }

    @Test
    void eachProbeNamesItsChecksAndAFailingOneMakesIt503() throws IOException {
        lifecycle.registerHealthCheck(HealthProbe.LIVENESS, "no deadlock", HealthCheck.noDeadlockedThreads());
        lifecycle.registerHealthCheck(HealthProbe.READINESS, "index", () -> HealthCheckResult.unhealthy("2 of 3 shards loaded"));

        Reply live = call("GET", LifecycleEndpoints.LIVE_PATH, null, false);
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().get("checks").get(0).get("name").asText()).isEqualTo("no deadlock");
        Reply ready = call("GET", LifecycleEndpoints.READY_PATH, null, false);
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("checks")).hasSize(2);
        assertThat(ready.json().get("checks").get(0).get("status").asText()).as("drain").isEqualTo("UP");
        assertThat(ready.json().get("checks").get(1).get("detail").asText()).isEqualTo("2 of 3 shards loaded");
    }

    @Test
    void aCheckThatThrowsIsDownAndItsMessageStaysOutOfTheUnauthenticatedBody() throws IOException {
        lifecycle.registerHealthCheck(HealthProbe.READINESS, "db", () -> {
            throw new IllegalStateException("connect to postgresql://app:hunter2@db failed");
        });

        Reply ready = call("GET", LifecycleEndpoints.READY_PATH, null, false);

        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("checks").get(1).get("detail").asText()).isEqualTo("threw java.lang.IllegalStateException");
        assertThat(ready.body()).doesNotContain("hunter2");
    }

    @Test
    void aHungCheckIsDownAtTheTimeoutAndIsNotCalledAgainUntilItReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        lifecycle.registerHealthCheck(HealthProbe.READINESS, "slow", () -> {
            calls.incrementAndGet();
            release.await();
            return HealthCheckResult.healthy();
        });

        for (int i = 0; i < 2; i++) {
            Reply ready = call("GET", LifecycleEndpoints.READY_PATH, null, false);
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("checks").get(1).get("detail").asText()).isEqualTo("no answer within 800 ms");
        }
        assertThat(calls).hasValue(1);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", LifecycleEndpoints.READY_PATH, null, false).status() == 200);
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void startupPassesOnceAndFromThenOnWithoutRunningItsChecks() throws IOException {
        AtomicBoolean loaded = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        lifecycle.registerHealthCheck(HealthProbe.STARTUP, "index loaded", () -> {
            calls.incrementAndGet();
            return loaded.get() ? HealthCheckResult.healthy("15224 files") : HealthCheckResult.unhealthy("loading");
        });

        assertThat(call("GET", LifecycleEndpoints.STARTED_PATH, null, false).status()).isEqualTo(503);
        loaded.set(true);
        assertThat(call("GET", LifecycleEndpoints.STARTED_PATH, null, false).status()).isEqualTo(200);
        loaded.set(false);
        Reply later = call("GET", LifecycleEndpoints.STARTED_PATH, null, false);
        assertThat(later.status()).isEqualTo(200);
        assertThat(later.json().get("checks").get(0).get("detail").asText()).isEqualTo("15224 files");
        assertThat(calls).hasValue(2);
    }

    @Test
    void infoNeedsTheTokenAndShowsTheRuntimeAndEveryContribution() throws IOException {
        lifecycle.registerInfo("build", () -> Map.of("commit", "0962679"));
        lifecycle.registerInfo("broken", () -> {
            throw new IllegalStateException("not now");
        });

        assertThat(call("GET", LifecycleEndpoints.INFO_PATH, null, false).status()).isEqualTo(401);
        Reply info = call("GET", LifecycleEndpoints.INFO_PATH, null, true);

        assertThat(info.status()).isEqualTo(200);
        JsonNode doc = info.json();
        assertThat(doc.get("java").get("version").asText()).isEqualTo(Runtime.version().toString());
        assertThat(doc.get("process").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(doc.get("lifecycle").get("drainDeadlineMs").asLong()).isEqualTo(7000);
        assertThat(doc.get("contributions").get("build").get("commit").asText()).isEqualTo("0962679");
        assertThat(doc.get("contributions").get("broken").get("error").asText()).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void postDrainsWithTheGivenDeadlineAndAnswersTheReportWhenDone() throws IOException {
        Reply reply = call("POST", Wire.DRAIN_PATH, "{\"deadlineMs\":3000}", true);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode report = reply.json();
        assertThat(report.get("trigger").asText()).isEqualTo("http");
        assertThat(report.get("deadlineMs").asLong()).isEqualTo(3000);
        assertThat(report.get("clean").asBoolean()).isTrue();
        assertThat(report.get("steps").get(0).get("phase").asText()).isEqualTo("close_clients");
        assertThat(report.get("steps").get(0).get("outcome").asText()).isEqualTo("completed");
        assertThat(budgets).singleElement().satisfies(b -> assertThat(b).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(3)));
        assertThat(lifecycle.isDraining()).isTrue();

        Reply again = call("GET", Wire.DRAIN_PATH + "?deadlineMs=9000", null, true);
        assertThat(again.json().get("deadlineMs").asLong()).as("the first drain's report").isEqualTo(3000);
        assertThat(budgets).hasSize(1);
    }

    @Test
    void aPreStopGetWithoutDeadlineUsesTheDefault() throws IOException {
        Reply reply = call("GET", Wire.DRAIN_PATH, null, true);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("deadlineMs").asLong()).isEqualTo(7000);
    }

    @Test
    void theDrainNeedsTheToken() throws IOException {
        Reply reply = call("POST", Wire.DRAIN_PATH, "{}", false);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(lifecycle.isDraining()).isFalse();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "POST|/patternkit/lifecycle/drain|{\"deadlineMs\":0}",
        "POST|/patternkit/lifecycle/drain|{\"deadlineMs\":3600001}",
        "POST|/patternkit/lifecycle/drain|{\"deadlineMs\":\"5s\"}",
        "POST|/patternkit/lifecycle/drain|{\"deadlineMs\":1.5}",
        "POST|/patternkit/lifecycle/drain|[1]",
        "POST|/patternkit/lifecycle/drain|{\"deadlineMs\":",
        "GET|/patternkit/lifecycle/drain?deadlineMs=abc|",
        "GET|/patternkit/lifecycle/drain?deadlineMs=-5|",
        "GET|/patternkit/lifecycle/drain?deadlineMs=%zz|",
        // Found by ManagementContractFuzzTest: an unknown member was ignored, a repeated parameter read as its first.
        "POST|/patternkit/lifecycle/drain|{\"deadlineMs\":5000,\"deadline\":1}",
        "GET|/patternkit/lifecycle/drain?deadlineMs=5000&deadlineMs=abc|",
    })
    void badDeadlinesAre400ProblemsAndDrainNothing(String method, String path, String body) throws IOException {
        Reply reply = call(method, path, body, true);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith(Wire.PROBLEM_JSON);
        assertThat(reply.json().get("type").asText()).isEqualTo(ProblemType.INVALID_REQUEST.uri());
        assertThat(lifecycle.isDraining()).isFalse();
    }

    @Test
    void otherMethodsAre405WithAllow() throws IOException {
        Reply put = call("PUT", Wire.DRAIN_PATH, "{}", true);
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.raw().header("Allow")).isEqualTo("GET, POST");
        Reply post = call("POST", LifecycleEndpoints.READY_PATH, "{}", false);
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.raw().header("Allow")).isEqualTo("GET");
    }
}
