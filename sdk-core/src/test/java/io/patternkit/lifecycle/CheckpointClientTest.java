package io.patternkit.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.patternkit.core.ConflictException;
import io.patternkit.core.SidecarConfig;
import io.patternkit.protocol.ProblemType;
import io.patternkit.protocol.Wire;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A refused save is the typed exception, which keeps the conflict it was mapped from, status and problem type. */
class CheckpointClientTest {
    private final WireMockServer server = new WireMockServer(options().dynamicPort());

    @AfterEach
    void stop() {
        server.stop();
    }

    private CheckpointClient client(ProblemType refusal) {
        server.start();
        server.stubFor(put("/v1/checkpoints/progress").willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", Wire.PROBLEM_JSON).withBody("{\"type\":\"" + refusal.uri()
                        + "\",\"title\":\"t\",\"status\":409,\"detail\":\"a newer holder wrote\"}")));
        return CheckpointClient.create(SidecarConfig.builder().baseUrl(URI.create(server.baseUrl())).build());
    }

    @Test
    void aStaleFencingTokenKeepsTheConflictItWasMappedFrom() {
        try (CheckpointClient client = client(ProblemType.FENCING_TOKEN_STALE)) {
            assertThatThrownBy(() -> client.save("progress", CheckpointWrite.of(Map.of("n", 1)).fencedBy(3)))
                    .isInstanceOf(FencingTokenStaleException.class).hasMessageContaining("a newer holder wrote")
                    .hasCauseInstanceOf(ConflictException.class);
        }
    }

    /** Found by an audit: the state was read as a tree and written out again, so its whitespace and escapes changed. */
    @Test
    void theStateComesBackByteForByteAsTheSidecarAnswersIt() {
        server.start();
        String state = "{ \"note\" : \"caf\\u00e9 \\/ 1\" ,\"n\": 1.50 ,\"list\":[ 1,2 ]}";
        for (String value : List.of(state, "\"a \\u00e9\"", "\"caf\u00e9 \u4e2d\ud83d\ude00\"", "12.50", "[ ]", "true", "null")) {
            for (boolean last : List.of(false, true)) { // the state before another member, or the last before '}'
                String members = "\"name\":\"progress\",\"version\":3,\"fencingToken\":2,\"updatedAt\":\"2026-12-07T00:00:00Z\"";
                server.stubFor(get("/v1/checkpoints/progress").willReturn(okJson(last
                        ? "{" + members + ",\"state\":" + value + "}" : "{\"state\": " + value + " ," + members + "}")));
                try (CheckpointClient client = CheckpointClient.create(SidecarConfig.builder()
                        .baseUrl(URI.create(server.baseUrl())).build())) {
                    assertThat(client.read("progress").orElseThrow().stateJson()).hasValue(value);
                }
            }
        }
    }

    @Test
    void aWriteWhoseStateIsNotExactlyOneJsonValueIsRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> CheckpointWrite.json("{}, \"expectedVersion\": 0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one JSON value");
        assertThatThrownBy(() -> CheckpointWrite.json("{\"n\":")).isInstanceOf(IllegalArgumentException.class);
        // A number no BigDecimal holds was read by a second, laxer reader that took the first value and ignored the rest.
        assertThatThrownBy(() -> CheckpointWrite.json("1e9999999999, \"expectedVersion\": 0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one JSON value");
        assertThatThrownBy(() -> io.patternkit.core.internal.Json.normalize("1e9999999999 x")) // Enqueue.json's check
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(CheckpointWrite.json(" [1, 2] ").stateJson()).isEqualTo(" [1, 2] ");
    }

    @Test
    void aVersionConflictKeepsTheConflictItWasMappedFrom() {
        try (CheckpointClient client = client(ProblemType.VERSION_CONFLICT)) {
            assertThatThrownBy(() -> client.save("progress", CheckpointWrite.of(Map.of("n", 1)).expectingVersion(2)))
                    .isInstanceOf(VersionConflictException.class).hasCauseInstanceOf(ConflictException.class);
        }
    }
}
