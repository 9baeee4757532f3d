package io.patternkit.samples.ambassador;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patternkit.samples.SampleRun;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ambassador sample on real input, as CI runs it: term-service processes in three shards of two
 * replicas behind a real ambassador sidecar process, a straggling replica hedged, a replica killed with {@code kill -9}, a canary
 * and a fourth shard added by config reloads, and the same sidecar's adapter reporting the killed replica and
 * turning the term services' statsd lines and a catalog database into Prometheus series. Checks the demo's own summary, and that its checks are
 * not vacuous.
 */
class AmbassadorDemoIT {
    @Test
    void routesByKeyHedgesAStragglerSurvivesAKilledReplicaSplitsACanaryAndMovesAQuarterOfTheKeys() throws Exception {
        String postgres = System.getenv("PATTERNKIT_TEST_JDBC_URL"); // set by scripts/test.sh, as CI runs it
        SampleRun run = SampleRun.run("it-ambassador-demo", Duration.ofMinutes(10),
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-cp", SampleRun.JAR.toString(), AmbassadorDemo.class.getName()),
                postgres == null ? List.of("--limit", "800", "--keys", "1000")
                        : List.of("--limit", "800", "--keys", "1000", "--postgres", postgres));
        JsonNode summary = run.summary();
        assertThat(summary.get("ok").asBoolean()).as(run.console()).isTrue();
        assertThat(summary.get("keys").asInt()).isEqualTo(1000);
        JsonNode parts = summary.get("parts");

        JsonNode routed = parts.get(0).get("figures");
        assertThat(routed.get("lookups").asInt()).isEqualTo(1000);
        assertThat(routed.get("wrong").asInt()).isZero();
        assertThat(routed.get("replicasUsed").toString()).contains("s0-a", "s0-b", "s1-a", "s1-b", "s2-a", "s2-b");

        JsonNode straggler = parts.get(1).get("figures");
        assertThat(straggler.get("wrong").asInt()).isZero();
        assertThat(straggler.get("calledOffByHedge").asInt()).isPositive();
        assertThat(straggler.get("slowestMs").asLong()).isLessThan(straggler.get("slowMs").asLong());
        assertThat(summary.get("hedges").asText()).contains("patternkit_ambassador_hedges_total");

        JsonNode killed = parts.get(2).get("figures");
        assertThat(killed.get("lookups").asInt()).isPositive();
        assertThat(killed.get("failed").asInt()).isZero();
        assertThat(killed.get("answeredBySibling").asInt()).isEqualTo(killed.get("lookups").asInt());
        assertThat(killed.get("killedReplicaState").asText()).isEqualTo("open");
        assertThat(killed.get("adapterNamed").toString()).isEqualTo("[\"s1-a\"]");
        assertThat(summary.get("retries").asText()).contains("reason=\"connect\"");

        JsonNode canary = parts.get(3).get("figures");
        assertThat(canary.get("toCanary").asInt()).isBetween(62, 138); // 10 % of 1,000 within four sigmas
        assertThat(canary.get("wrong").asInt()).isZero();

        JsonNode fourth = parts.get(4).get("figures");
        assertThat(fourth.get("percentMoved").asDouble()).isBetween(18.0, 32.0);
        assertThat(fourth.get("movedElsewhere").asInt()).isZero();
        assertThat(fourth.get("wrong").asInt()).isZero();
        JsonNode adapted = parts.get(5).get("figures");
        assertThat(adapted.get("answered").asInt()).isGreaterThan(3_000); // every part's lookups of 1,000 terms
        assertThat(adapted.get("countedByStatsd").asInt()).isBetween(adapted.get("answered").asInt(),
                adapted.get("answered").asInt() + adapted.get("hedges").asInt()); // none lost; a hedge's loser may count too
        assertThat(adapted.get("catalog").size()).isEqualTo(3);
        assertThat(adapted.get("jmx").asText()).contains("termservice_threads{replica=\"s0-b\"}")
                .contains("termservice_heap_used_bytes{replica=\"s0-b\"}");
        if (postgres != null) {
            assertThat(adapted.get("postgresCheck").asText()).isEqualTo("passing");
            assertThat(adapted.get("postgres").asText()).contains("pg_database_commits{datname=\"patternkit\"}");
        }
        assertThat(adapted.get("scraped").asText()).contains("termservice_requests_total{found=\"true\",replica=\"s0-a\"}")
                .contains("termstats_terms{replica=\"s0-a\"}");
        JsonNode logs = parts.get(6).get("figures");
        assertThat(logs.get("accessLines").asInt()).isGreaterThan(adapted.get("answered").asInt()); // every lookup, and the probes
        int read = 0;
        int rolled = 0;
        for (String replica : List.of("s0-a", "s0-b", "s1-a", "s1-b", "s2-a", "s2-b", "s3-a", "s3-b", "c0-a")) {
            read += logs.get("read").get(replica).asInt();
            rolled += logs.get("rolledFiles").get(replica).asInt();
        }
        assertThat(read).isEqualTo(logs.get("accessLines").asInt()); // every line on disk read once, across the rollovers
        assertThat(rolled).isPositive();
        assertThat(logs.get("renamesSeen")).isEqualTo(logs.get("rolledFiles"));
        assertThat(logs.get("stackTraceLines").asInt()).isGreaterThan(2); // the stack trace joined into one record
        assertThat(run.console()).contains("ALL CHECKS PASSED");
    }
}
