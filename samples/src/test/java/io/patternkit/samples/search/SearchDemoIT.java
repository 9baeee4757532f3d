package io.patternkit.samples.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.samples.SampleRun;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The search sample on real input, as CI runs it: a slice of the JDK's sources in 2 shards x 2
 * replicas (leaf processes) behind a real root sidecar process, with a straggler and a shard killed
 * with {@code kill -9}. Checks the demo's own summary, and that its checks are not vacuous.
 */
class SearchDemoIT {
    @Test
    void mergedHitsAreExactHedgingRescuesTheStragglerAndTheDeadShardIsNamed() throws Exception {
        SampleRun run = SampleRun.run("it-search-demo", Duration.ofMinutes(10),
                List.of("-Xmx192m", "-XX:+UseSerialGC", "-cp", SampleRun.JAR.toString(), SearchDemo.class.getName()),
                List.of("--limit", "1500", "--shards", "2", "--replicas", "2"));
        JsonNode summary = run.summary();
        String out = run.console();
        assertThat(summary.get("files").asInt()).isEqualTo(1500);
        assertThat(summary.get("ok").asBoolean()).isTrue();

        // (a) every query complete and equal to one index, with real hits
        assertThat(summary.get("queries")).isNotEmpty().allSatisfy(q -> {
            assertThat(q.get("complete").asBoolean()).isTrue();
            assertThat(q.get("equalsSingleNode").asBoolean()).as(q.get("query").asText()).isTrue();
            assertThat(q.get("mergeContainerEqualsSingleNode").asBoolean()).as(q.get("query").asText()).isTrue();
            assertThat(q.get("hits")).hasSize(10);
        });

        // (b) a hedge won against the straggler, and no search waited for it
        JsonNode straggle = summary.get("straggle");
        long slowMs = straggle.get("slowMs").asLong();
        assertThat(straggle.get("rescued").asBoolean()).isTrue();
        assertThat(straggle.get("runs")).allSatisfy(r -> {
            assertThat(r.get("complete").asBoolean()).isTrue();
            assertThat(r.get("equalsSingleNode").asBoolean()).isTrue();
            assertThat(r.get("latencyMs").asLong()).isLessThan(slowMs);
        });
        assertThat(straggle.findValues("shards").stream().flatMap(SearchDemoIT::stream)
                .filter(o -> o.get("hedged").asBoolean() && o.get("status").asText().equals("answered")
                        && !o.get("leafId").asText().equals(straggle.get("slowReplica").asText())))
                .as("a shard answered by the other replica after a hedge").isNotEmpty();
        assertThat(straggle.get("cancelledAfterMs")).as("the straggler saw its calls cancelled early").isNotEmpty()
                .allSatisfy(ms -> assertThat(ms.asLong()).isLessThan(slowMs));

        // (c) the dead shard is named, with a reason, and the other shard's hits come back as partial
        JsonNode partial = summary.get("partial");
        String dead = partial.get("deadShard").asText();
        assertThat(dead).isEqualTo("s1");
        for (String when : List.of("immediately", "afterLapse")) {
            JsonNode r = partial.get(when);
            assertThat(r.get("complete").asBoolean()).as(when).isFalse();
            assertThat(r.get("missing")).as(when).isNotEmpty().allSatisfy(m -> {
                assertThat(m.get("shard").asText()).isEqualTo(dead);
                assertThat(m.get("status").asText()).isIn(Set.of("failed", "timedOut", "skipped"));
                assertThat(m.get("reason").asText()).isNotBlank();
            });
            assertThat(r.get("answered").toString()).isEqualTo("[\"s0\"]");
            assertThat(r.get("partialHits").asInt()).isPositive();
            assertThat(r.get("hitsFromDeadShard").asLong()).isZero();
            assertThat(r.get("hitsThrew").asText()).contains("partial result").contains(dead);
        }
        assertThat(partial.get("afterLapse").get("missing").get(0).get("status").asText()).isEqualTo("skipped");
        assertThat(out).contains("summary").contains("OK");
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }
}
