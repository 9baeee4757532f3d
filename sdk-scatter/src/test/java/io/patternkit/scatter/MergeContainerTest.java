package io.patternkit.scatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.core.contract.ContractValidator;
import io.patternkit.management.ManagementServer;
import io.patternkit.protocol.ProblemType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The merge container over real HTTP: calls shaped as the root sends them (checked against the contract's
 * {@code merge} operation), typed parts in arrival order, and every answer (merged, 400, 405, 500) checked
 * against the contract.
 */
class MergeContainerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final MediaType JSON = MediaType.get("application/json");

    record Query(String q) {
    }

    record Hits(List<String> ids) {
    }

    record Top(String q, List<String> ids) {
    }

    private final OkHttpClient http = new OkHttpClient();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ManagementServer server;

    @BeforeEach
    void start() {
        server = ManagementServer.builder().build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private MergeContainer container(MergeHandler<Query, Hits, ?> handler) {
        return MergeContainer.builder(server).meterRegistry(registry).handler(Query.class, Hits.class, handler).start();
    }

    private static String call(String parts) {
        return "{\"pool\":\"search\",\"scatterId\":\"sc-1\",\"request\":{\"q\":\"tail\"},\"parts\":" + parts + "}";
    }

    /** Posts a merge call, checks the call and the answer against the contract, returns the answer. */
    private JsonNode exchange(MergeContainer merge, String body, int expectedStatus, boolean validCall) throws IOException {
        String path = merge.url().getPath();
        if (validCall) {
            ContractValidator.assertRequestValid("POST", path, Map.of("Content-Type", "application/json"), body);
        }
        Request request = new Request.Builder().url(merge.url().toString()).post(RequestBody.create(body, JSON)).build();
        try (Response r = http.newCall(request).execute()) {
            String answer = r.body().string();
            assertThat(r.code()).as(answer).isEqualTo(expectedStatus);
            ContractValidator.assertResponseValid("POST", path, r.code(), r.header("Content-Type"), answer);
            return MAPPER.readTree(answer);
        }
    }

    @Test
    void mergesTypedPartsInArrivalOrder() throws IOException {
        AtomicReference<MergeInput<Query, Hits>> seen = new AtomicReference<>();
        try (MergeContainer merge = container(input -> {
            seen.set(input);
            return new Top(input.request().q(), input.parts().values().stream().flatMap(h -> h.ids().stream()).toList());
        })) {
            JsonNode answer = exchange(merge, call("[{\"shard\":\"s2\",\"response\":{\"ids\":[\"b\"]}},"
                    + "{\"shard\":\"s1\",\"response\":{\"ids\":[\"a\",\"c\"]}}]"), 200, true);
            assertThat(answer.toString()).isEqualTo("{\"q\":\"tail\",\"ids\":[\"b\",\"a\",\"c\"]}");
            assertThat(seen.get().pool()).isEqualTo("search");
            assertThat(seen.get().scatterId()).contains("sc-1");
            assertThat(seen.get().parts().keySet()).containsExactly("s2", "s1");
            assertThat(registry.get(ScatterMetrics.MERGE_CALLS).tag(ScatterMetrics.TAG_STATUS, "merged").timer().count())
                    .isEqualTo(1);
        }
    }

    @Test
    void aFailingMergeAnswersMergeFailed() throws IOException {
        try (MergeContainer merge = container(input -> {
            throw new IllegalStateException("no parts to merge");
        })) {
            JsonNode problem = exchange(merge, call("[]"), 500, true);
            assertThat(problem.get("type").asText()).isEqualTo(ProblemType.MERGE_FAILED.uri());
            assertThat(problem.get("detail").asText()).contains("IllegalStateException");
        }
    }

    @Test
    void aCallThatCannotBeReadIsA400NamingWhy() throws IOException {
        try (MergeContainer merge = container(input -> input.parts().size())) {
            assertThat(exchange(merge, "not json", 400, false).get("detail").asText()).contains("not JSON");
            assertThat(exchange(merge, "{\"pool\":\"search\",\"request\":{}}", 400, false).get("detail").asText())
                    .contains("'parts'");
            assertThat(exchange(merge, call("[{\"shard\":\"s1\",\"response\":{\"ids\":\"not a list\"}}]"), 400, true)
                    .get("detail").asText()).contains("shard 's1'", Hits.class.getName());
            assertThat(exchange(merge, call("[{\"shard\":\"s1\",\"response\":{\"ids\":[]}},"
                    + "{\"shard\":\"s1\",\"response\":{\"ids\":[]}}]"), 400, true).get("detail").asText())
                    .contains("more than one part");
            // Found by ScatterEndpointsContractFuzzTest: an unknown member and a scatterId that is no string were taken.
            assertThat(exchange(merge, "{\"pool\":\"search\",\"request\":{},\"parts\":[],\"extra\":1}", 400, false)
                    .get("detail").asText()).contains("unknown member 'extra'");
            assertThat(exchange(merge, "{\"pool\":\"search\",\"scatterId\":21,\"request\":{},\"parts\":[]}", 400, false)
                    .get("detail").asText()).contains("scatterId");
            assertThat(exchange(merge, "{\"pool\":\"no/such pool\",\"request\":{},\"parts\":[]}", 400, false)
                    .get("detail").asText()).contains("pool name");
            assertThat(registry.get(ScatterMetrics.MERGE_CALLS).tag(ScatterMetrics.TAG_STATUS, "invalid").timer().count())
                    .isEqualTo(7);
        }
    }

    /** Any caller with the token could otherwise add a series per pool name it makes up. */
    @Test
    void theCallsMetersTagAtMost64PoolsAndTheRestAsOther() throws IOException {
        try (MergeContainer merge = container(input -> input.parts().size())) {
            for (int i = 0; i < 70; i++) {
                exchange(merge, "{\"pool\":\"p" + i + "\",\"request\":{},\"parts\":[]}", 200, true);
            }
            exchange(merge, "{\"pool\":\"p0\",\"request\":{},\"parts\":[]}", 200, true);
            assertThat(registry.find(ScatterMetrics.MERGE_CALLS).timers()).hasSize(65);
            assertThat(registry.get(ScatterMetrics.MERGE_CALLS).tag(ScatterMetrics.TAG_POOL, "other").timer().count())
                    .isEqualTo(6);
            assertThat(registry.get(ScatterMetrics.MERGE_CALLS).tag(ScatterMetrics.TAG_POOL, "p0").timer().count())
                    .isEqualTo(2);
        }
    }

    @Test
    void otherMethodsAre405WithAllow() throws IOException {
        try (MergeContainer merge = container(input -> input.parts().size());
                Response r = http.newCall(new Request.Builder().url(merge.url().toString()).build()).execute()) {
            assertThat(r.code()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("POST");
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        }
    }

    @Test
    void startingNeedsAHandlerAndARunningServer() {
        assertThatThrownBy(() -> MergeContainer.builder(server).start()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("handler");
        ManagementServer stopped = ManagementServer.builder().build();
        assertThatThrownBy(() -> MergeContainer.builder(stopped).handler(Query.class, Hits.class, i -> 0).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ManagementServer");
    }

    @Test
    void aPathThatMakesNoUrlLeavesNothingMountedSoTheSameStartFailsTheSameWay() {
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> MergeContainer.builder(server).path("/merge here").handler(Query.class, Hits.class,
                    i -> 0).start()).as("not 'already served'").isInstanceOf(IllegalArgumentException.class);
        }
    }
}
