package io.patternkit.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patternkit.core.contract.ContractValidator;
import io.patternkit.protocol.ProblemType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.consumer.RecordingFile;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JFR profile over real HTTP: a busy method and a contended lock made on purpose show up. */
class ProfileEndpointTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(60, TimeUnit.SECONDS).build();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private ManagementServer server;

    /** The monitor the two load threads fight over. */
    static final class ContendedLock {
    }

    @BeforeEach
    void start() {
        server = ManagementServer.builder().build().start();
        ProfileEndpoint.mount(server);
    }

    @AfterEach
    void stop() {
        running.set(false);
        server.close();
    }

    private Response get(String pathAndQuery) throws IOException {
        return http.newCall(new Request.Builder().url(server.baseUrl() + pathAndQuery).build()).execute();
    }

    static long spinHot(long x) {
        for (int i = 0; i < 1_000_000; i++) {
            x = x * 31 + i;
        }
        return x;
    }

    @Test
    void theSummaryNamesTheHotMethodAndTheContendedMonitor() throws Exception {
        ContendedLock lock = new ContendedLock();
        Runnable holder = () -> {
            while (running.get()) {
                synchronized (lock) {
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(40);
                    long x = 0;
                    while (System.nanoTime() < until) {
                        x = spinHot(x);
                    }
                    // Hand the monitor over: without this wait the holder takes it straight back (monitors are
                    // not fair), the other thread may starve for the whole recording, and a monitor-enter event
                    // is only written when the entry finally succeeds.
                    lock.notifyAll();
                    try {
                        lock.wait(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        };
        CompletableFuture<?> a = CompletableFuture.runAsync(holder);
        CompletableFuture<?> b = CompletableFuture.runAsync(holder);
        try (Response r = get("/patternkit/profile?seconds=2&format=summary")) {
            String body = r.body().string();
            assertThat(r.code()).as(body).isEqualTo(200);
            ContractValidator.assertResponseValid("GET", "/patternkit/profile", 200, r.header("Content-Type"), body);
            JsonNode summary = MAPPER.readTree(body);
            assertThat(summary.get("executionSamples").asLong()).isPositive();
            assertThat(summary.get("hottestMethods").findValuesAsText("method"))
                    .anyMatch(m -> m.endsWith("ProfileEndpointTest.spinHot"));
            assertThat(summary.get("contendedMonitors").findValuesAsText("monitorClass"))
                    .contains(ContendedLock.class.getName());
        } finally {
            running.set(false);
            a.join();
            b.join();
        }
    }

    @Test
    void theRecordingItselfIsAValidJfrFile(@TempDir Path dir) throws Exception {
        try (Response r = get("/patternkit/profile?seconds=1")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
            Path file = dir.resolve("p.jfr");
            Files.write(file, r.body().bytes());
            assertThat(RecordingFile.readAllEvents(file)).isNotEmpty();
        }
    }

    @Test
    void aRecordingThatCannotBeWrittenDoesNotBlockTheNextOne(@TempDir Path dir) throws IOException {
        server.mount("/unwritable", new ProfileEndpoint(dir.resolve("missing")));
        for (int call = 1; call <= 2; call++) {
            try (Response r = get("/unwritable?seconds=1")) {
                assertThat(r.code()).as("call %d: the file's failure, not 429 for a recording under way", call)
                        .isEqualTo(500);
            }
        }
    }

    @Test
    void badParametersAre400Problems() throws IOException {
        for (String q : new String[] {"seconds=0", "seconds=61", "seconds=x", "format=flame"}) {
            try (Response r = get("/patternkit/profile?" + q)) {
                String body = r.body().string();
                assertThat(r.code()).as(q).isEqualTo(400);
                assertThat(MAPPER.readTree(body).get("type").asText()).isEqualTo(ProblemType.INVALID_REQUEST.uri());
                ContractValidator.assertResponseValid("GET", "/patternkit/profile", 400, r.header("Content-Type"), body);
            }
        }
    }
}
