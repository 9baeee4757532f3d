package io.patternkit.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patternkit.core.contract.ContractValidator;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The drain and the probes over real HTTP, every answer checked against the OpenAPI contract. */
class LifecycleEndpointsTest {
    private static final String TOKEN = "mgmt-token-1";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();
    private final List<Duration> budgets = new CopyOnWriteArrayList<>();
    private ManagementServer server;
    private Lifecycle lifecycle;

    @BeforeEach
    void start() {
        server = ManagementServer.builder().apiToken(TOKEN).build().start();
        lifecycle = Lifecycle.builder().drainDeadline(Duration.ofSeconds(7)).build();
        lifecycle.register(DrainPhase.CLOSE_CLIENTS, "client", budgets::add);
        LifecycleEndpoints.mount(server, lifecycle);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Reply(int status, String contentType, String body, Response raw) {
        JsonNode json() throws IOException {
            return MAPPER.readTree(body);
        }
    }

    private Reply call(String method, String pathAndQuery, String body, boolean token) throws IOException {
        Request.Builder b = new Request.Builder().url(server.baseUrl() + pathAndQuery);
        if (token) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        b.method(method, body == null ? (method.equals("POST") ? RequestBody.create(new byte[0]) : null)
                : RequestBody.create(body, MediaType.get("application/json")));
        try (Response r = http.newCall(b.build()).execute()) {
            String text = r.body() == null ? "" : r.body().string();
            String path = pathAndQuery.split("\\?", 2)[0];
            if (r.code() != 405) { // the contract declares the operations that exist, not the methods that do not
                ContractValidator.assertResponseValid(method, path, r.code(), r.header("Content-Type"), text);
            }
            return new Reply(r.code(), r.header("Content-Type"), text, r);
        }
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
        assertThat(draining.json().get("detail").asText()).isEqualTo("draining");
        assertThat(call("GET", LifecycleEndpoints.LIVE_PATH, null, false).status()).isEqualTo(200);
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
