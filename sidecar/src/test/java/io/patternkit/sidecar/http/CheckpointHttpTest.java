package io.patternkit.sidecar.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.host.SidecarHost;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checkpoints over real HTTP, every well-formed exchange checked against the OpenAPI contract. */
class CheckpointHttpTest {
    @TempDir
    static Path dir;
    private static SidecarHost sidecar;
    private static HttpHarness http;

    @BeforeAll
    static void start() {
        sidecar = HttpHarness.checkpoints(dir);
        http = new HttpHarness(sidecar.port());
    }

    @AfterAll
    static void stop() {
        sidecar.close();
    }

    private static String path() {
        return "/v1/checkpoints/cp-" + UUID.randomUUID();
    }

    @Test
    void aSavedStateComesBackByteForByteWithItsVersion() {
        String path = path();
        assertThat(http.call("GET", path, null).status()).isEqualTo(404);
        String state = "{ \"lastBatch\" : 41,\n  \"note\":\"caf\\u00e9 \u2603\", \"ratio\": 2.50e0 }";
        HttpHarness.Reply saved = http.call("PUT", path, "{\"state\": " + state + ", \"expectedVersion\": 0}");
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.json().get("version").asLong()).isEqualTo(1);
        HttpHarness.Reply read = http.call("GET", path, null);
        assertThat(read.body()).contains("\"state\":" + state);
        assertThat(read.json().get("fencingToken").asLong()).isZero();
    }

    @Test
    void aWriteExpectingAnOlderVersionIsAVersionConflict() {
        String path = path();
        http.call("PUT", path, "{\"state\":1}");
        HttpHarness.Reply conflict = http.call("PUT", path, "{\"state\":2,\"expectedVersion\":0}");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("type").asString()).isEqualTo(ProblemType.VERSION_CONFLICT.uri());
        assertThat(http.call("GET", path, null).json().get("state").asInt()).isEqualTo(1);
    }

    @Test
    void onceASuccessorRestoredTheOldTermsWritesAreRefused() {
        String path = path();
        http.call("PUT", path, "{\"state\":{\"lastBatch\":7},\"fencingToken\":4}");
        HttpHarness.Reply restored = http.call("POST", path + "/restore", "{\"fencingToken\":5}");
        assertThat(restored.status()).isEqualTo(200);
        assertThat(restored.json().get("state").get("lastBatch").asInt()).isEqualTo(7);
        assertThat(restored.json().get("fencingToken").asLong()).isEqualTo(5);

        HttpHarness.Reply late = http.call("PUT", path, "{\"state\":{\"lastBatch\":8},\"fencingToken\":4}");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.json().get("type").asString()).isEqualTo(ProblemType.FENCING_TOKEN_STALE.uri());
        HttpHarness.Reply older = http.call("POST", path + "/restore", "{\"fencingToken\":3}");
        assertThat(older.status()).isEqualTo(409);
        assertThat(older.json().get("type").asString()).isEqualTo(ProblemType.FENCING_TOKEN_STALE.uri());
        assertThat(http.call("PUT", path, "{\"state\":{\"lastBatch\":8},\"fencingToken\":5,\"expectedVersion\":1}")
                .json().get("version").asLong()).isEqualTo(2);
    }

    @Test
    void restoringWhatWasNeverSavedAnswersVersionZeroWithoutState() {
        HttpHarness.Reply restored = http.call("POST", path() + "/restore", "{\"fencingToken\":1}");
        assertThat(restored.status()).isEqualTo(200);
        assertThat(restored.json().get("version").asLong()).isZero();
        assertThat(restored.json().has("state")).isFalse();
    }

    static Stream<Arguments> badRequests() {
        String p = "/v1/checkpoints/ok";
        return Stream.of(
                Arguments.of("PUT", "/v1/checkpoints/" + "n".repeat(129), "{\"state\":1}"),
                Arguments.of("PUT", p, "{}"),
                Arguments.of("PUT", p, "{\"state\":1,\"expectedVersion\":-1}"),
                Arguments.of("PUT", p, "{\"state\":1,\"fencingToken\":0}"),
                Arguments.of("PUT", p, "{\"state\":1,\"other\":true}"),
                Arguments.of("PUT", p, "[1]"),
                Arguments.of("PUT", p, "{\"state\":"),
                // A second document after a valid one: refused, never stored in place of the first's state.
                Arguments.of("PUT", p, "{\"state\":1} {\"state\":{\"unchecked\":true}}"),
                Arguments.of("POST", p + "/restore", "{}"),
                Arguments.of("POST", p + "/restore", "{\"fencingToken\":\"7\"}"),
                Arguments.of("GET", "/v1/checkpoints/a%20b", null));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("badRequests")
    void badInputIsA400ProblemAndStoresNothing(String method, String path, String body) {
        HttpHarness.Reply reply = http.send(http.request(method, path, body == null ? null : "application/json", body,
                true).build());
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("type").asString()).isEqualTo(ProblemType.INVALID_REQUEST.uri());
        assertThat(http.call("GET", "/v1/checkpoints/ok", null).status()).isEqualTo(404);
    }
}
