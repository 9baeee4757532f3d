package io.patternkit.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patternkit.core.contract.ContractValidator;
import io.patternkit.protocol.ProblemType;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The thread dump over real HTTP: contention created on purpose shows up, answers follow the contract. */
class ThreadsEndpointTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final OkHttpClient http = new OkHttpClient();
    private ManagementServer server;

    @BeforeEach
    void start() {
        server = ManagementServer.builder().build().start();
        ThreadsEndpoint.mount(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode get(String pathAndQuery, int expectedStatus) throws IOException {
        try (Response r = http.newCall(new Request.Builder().url(server.baseUrl() + pathAndQuery).build()).execute()) {
            String body = r.body().string();
            assertThat(r.code()).as(body).isEqualTo(expectedStatus);
            ContractValidator.assertResponseValid("GET", pathAndQuery.split("\\?")[0], r.code(), r.header("Content-Type"), body);
            return MAPPER.readTree(body);
        }
    }

    @Test
    void aThreadBlockedOnAMonitorNamesTheLockAndItsOwner() throws Exception {
        Object lock = new Object();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread owner = new Thread(() -> {
            synchronized (lock) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "test-lock-owner");
        Thread contender = new Thread(() -> {
            synchronized (lock) {
                lock.hashCode();
            }
        }, "test-lock-contender");
        owner.start();
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        contender.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> contender.getState() == Thread.State.BLOCKED);
            JsonNode dump = get("/patternkit/threads?depth=8", 200);
            assertThat(dump.get("contentionMonitoring").asBoolean()).isTrue();
            JsonNode blocked = find(dump, "test-lock-contender");
            assertThat(blocked.get("state").asText()).isEqualTo("BLOCKED");
            assertThat(blocked.get("lockOwnerName").asText()).isEqualTo("test-lock-owner");
            assertThat(blocked.get("waitingFor").asText()).startsWith("java.lang.Object@");
            assertThat(blocked.get("blockedCount").asLong()).isPositive();
            assertThat(blocked.get("stack").size()).isBetween(1, 8);
            JsonNode holder = find(dump, "test-lock-owner");
            assertThat(holder.get("lockedMonitors").get(0).get("lock").asText()).isEqualTo(blocked.get("waitingFor").asText());
            assertThat(dump.get("deadlocked")).isEmpty();
        } finally {
            release.countDown();
            owner.join(10_000);
            contender.join(10_000);
        }
    }

    @Test
    void aBadDepthIsA400Problem() throws IOException {
        assertThat(get("/patternkit/threads?depth=0", 400).get("type").asText()).isEqualTo(ProblemType.INVALID_REQUEST.uri());
        assertThat(get("/patternkit/threads?depth=x", 400).get("type").asText()).isEqualTo(ProblemType.INVALID_REQUEST.uri());
        assertThat(get("/patternkit/threads?depth=257", 400).get("type").asText()).isEqualTo(ProblemType.INVALID_REQUEST.uri());
    }

    private static JsonNode find(JsonNode dump, String name) {
        for (JsonNode t : dump.get("threads")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no thread named " + name);
    }
}
