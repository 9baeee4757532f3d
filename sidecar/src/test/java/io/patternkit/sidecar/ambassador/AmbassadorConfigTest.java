package io.patternkit.sidecar.ambassador;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AmbassadorConfigTest {
    @TempDir
    Path dir;

    private AmbassadorConfig load(String json) throws IOException {
        Path file = dir.resolve("ambassador.json");
        Files.writeString(file, json);
        return AmbassadorConfig.load(file, List.of());
    }

    private void assertRefused(String json, String message) {
        assertThatThrownBy(() -> load(json)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void readsAShardedUpstreamWithACanaryAndFillsDefaults() throws IOException {
        AmbassadorConfig config = load("""
                {"upstreams": [{"name": "terms", "port": 7401, "shardKey": "path:2",
                  "shards": [{"name": "s0", "endpoints": ["http://10.0.0.1:8080", "http://10.0.0.2:8080/base/"]},
                             {"name": "s1", "endpoints": ["https://10.0.0.3"]}],
                  "canary": {"percent": 10, "shards": [{"name": "c0", "endpoints": ["http://10.0.0.9:8080"]}]},
                  "tryTimeout": "250ms", "ejection": {"duration": "30s"}, "hedging": {"maxDelay": "80ms"},
                  "mirror": {"percent": 5, "endpoints": ["http://10.0.2.1:8080"]}},
                 {"name": "pods", "port": 7402, "shards": [{"name": "all", "endpoints": ["dns+http://pods.default.svc:8080"]}]}]}
                """);
        UpstreamSpec terms = config.upstreams().get(0);
        assertThat(terms.shardKey()).isEqualTo(new ShardKey("path", "2"));
        assertThat(terms.shards()).extracting(UpstreamSpec.Shard::name).containsExactly("s0", "s1");
        assertThat(terms.shards().get(0).endpoints()).contains(URI.create("http://10.0.0.2:8080/base/"));
        assertThat(terms.canary().orElseThrow().percent()).isEqualTo(10.0);
        assertThat(terms.tryTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(terms.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(terms.maxAttempts()).isEqualTo(3);
        assertThat(terms.retryBudgetPercent()).isEqualTo(20.0);
        assertThat(terms.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(terms.ejection()).isEqualTo(new UpstreamSpec.Ejection(50, 10, 3, Duration.ofSeconds(30)));
        UpstreamSpec.Hedging hedging = terms.hedging().orElseThrow();
        assertThat(hedging).isEqualTo(new UpstreamSpec.Hedging(95, Duration.ofMillis(5), Duration.ofMillis(80), 5, 10));
        assertThat(hedging.delay(java.util.Optional.empty())).isEqualTo(Duration.ofMillis(80));
        assertThat(hedging.delay(java.util.Optional.of(Duration.ofMillis(1)))).isEqualTo(Duration.ofMillis(5));
        assertThat(hedging.delay(java.util.Optional.of(Duration.ofMillis(20)))).isEqualTo(Duration.ofMillis(20));
        assertThat(UpstreamSpec.parse("o=1:http://h").hedging()).isEmpty();
        assertThat(terms.mirror().orElseThrow().percent()).isEqualTo(5.0);
        assertThat(terms.usesDns()).isFalse();
        assertThat(config.upstreams().get(1).usesDns()).isTrue();
    }

    @Test
    void theAppsConnectionOutlastsTheLongestTimeoutAReloadCanSet() throws IOException {
        String longest = "{\"upstreams\": [{\"name\": \"t\", \"port\": 1, \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\"]}],"
                + " \"timeout\": \"TIMEOUT\"}]}";
        Duration accepted = load(longest.replace("TIMEOUT", "PT59M59.999S")).upstreams().get(0).timeout();
        assertRefused(longest.replace("TIMEOUT", "1h"), "timeout must be at least tryTimeout and under 1h");
        // the listener cannot change its options on a reload, and a request's connection is silent while it waits
        assertThat(Upstream.LISTENER_IDLE_TIMEOUT).isGreaterThan(accepted.plusSeconds(1));
    }

    @Test
    void theCompactFormIsOneShardOfReplicas() {
        UpstreamSpec orders = UpstreamSpec.parse("orders=7402:http://a:80,http://b:80");
        assertThat(orders.port()).isEqualTo(7402);
        assertThat(orders.shardKey()).isEqualTo(ShardKey.NONE);
        assertThat(orders.shards()).singleElement().satisfies(s -> assertThat(s.endpoints()).hasSize(2));
        assertThatThrownBy(() -> UpstreamSpec.parse("orders:http://a")).hasMessageContaining("NAME=PORT:URL");
        assertThatThrownBy(() -> UpstreamSpec.parse("orders=x:http://a")).hasMessageContaining("port must be a number");
        assertThatThrownBy(() -> UpstreamSpec.parse("orders=80:ftp://a")).hasMessageContaining("must be http[s]://HOST");
        assertThat(UpstreamSpec.parse("orders=80:dns+https://pods:443").usesDns()).isTrue();
        assertThatThrownBy(() -> UpstreamSpec.parse("orders=80:https://a#name")).hasMessageContaining("without user, query or fragment");
        assertThat(UpstreamSpec.parse("orders=80:registry://search_pool/s-0").usesDiscovery()).isTrue();
        assertThat(UpstreamSpec.parse("orders=80:registry://search_pool").usesDns()).isFalse();
        assertThatThrownBy(() -> UpstreamSpec.parse("orders=80:registry://pool/s0/x")).hasMessageContaining("registry://POOL/SHARD");
        assertThatThrownBy(() -> UpstreamSpec.parse("orders=80:registry://pool?x=1")).hasMessageContaining("registry://POOL");
    }

    @Test
    void refusesWhatWouldRouteWrongWithASentenceNamingIt() {
        assertRefused("{\"upstreams\": [{\"name\": \"t\", \"port\": 1, \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\"]},"
                + "{\"name\": \"b\", \"endpoints\": [\"http://i\"]}]}]}", "shardKey is needed with more than one shard");
        assertRefused("{\"upstreams\": [{\"name\": \"t\", \"port\": 1, \"shardKey\": \"cookie:x\", \"shards\": []}]}",
                "must be header:NAME, query:NAME or path:N");
        assertRefused("{\"upstreams\": [{\"name\": \"t\", \"port\": 1, \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\"]}],"
                + " \"retries\": 2}]}", "upstreams[0].retries: unknown setting; known: [canary, connectTimeout, ejection");
        assertRefused("{\"upstreams\": [{\"name\": \"T_1\", \"port\": 1, \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\"]}]}]}",
                "name 'T_1'");
        assertRefused("{\"upstreams\": [{\"name\": \"t\", \"port\": 70000, \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\"]}]}]}",
                "upstream t: port must be 1 to 65535");
        assertRefused("{\"upstreams\": [{\"name\": \"t\", \"port\": 1, \"tryTimeout\": \"soon\", \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\"]}]}]}",
                "'soon' is not a duration");
        assertRefused("{\"upstreams\": [{\"name\": \"t\", \"port\": 1, \"connectTimeout\": \"0s\", \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\"]}]}]}",
                "upstream t: connectTimeout must be 1ms to 1h");
        assertRefused("{\"upstreams\": [{\"name\": \"t\", \"port\": 1, \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\", \"http://h\"]}]}]}",
                "lists an endpoint twice");
        assertRefused("{\"upstreams\": [{\"name\": \"t\", \"port\": 1, \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\"]}],"
                + " \"canary\": {\"percent\": 120, \"shards\": [{\"name\": \"c\", \"endpoints\": [\"http://c\"]}]}}]}", "canary.percent must be 0 to 100");
        assertRefused("{\"upstreams\": [{\"name\": \"t\", \"port\": 1, \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\"]}]},"
                + "{\"name\": \"u\", \"port\": 1, \"shards\": [{\"name\": \"a\", \"endpoints\": [\"http://h\"]}]}]}", "two upstreams listen on port 1");
        assertRefused("{\"upstreams\": [}", "is not JSON");
    }

    @Test
    void upstreamsOnPortZeroEachGetAPortTheSystemChooses() throws IOException {
        AmbassadorConfig config = load("{\"upstreams\": [{\"name\": \"t\", \"port\": 0, \"shards\": [{\"name\": \"a\", "
                + "\"endpoints\": [\"http://h\"]}]}, {\"name\": \"u\", \"port\": 0, \"shards\": [{\"name\": \"a\", "
                + "\"endpoints\": [\"http://h\"]}]}]}");
        assertThat(config.upstreams()).extracting(UpstreamSpec::port).containsExactly(0, 0);
    }
}
