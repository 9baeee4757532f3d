package io.patternkit.sidecar.ambassador;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HashRingTest {
    private static final List<String> KEYS = IntStream.range(0, 20_000).mapToObj(i -> "term-" + i).toList();

    private static HashRing<String> ring(String... shards) {
        Map<String, String> members = new LinkedHashMap<>();
        for (String shard : shards) {
            members.put(shard, shard);
        }
        return new HashRing<>(members);
    }

    @Test
    void spreadsKeysEvenlyOverShards() {
        HashRing<String> ring = ring("s0", "s1", "s2");
        Map<String, Long> counts = KEYS.stream().collect(Collectors.groupingBy(ring::owner, Collectors.counting()));
        assertThat(counts).containsOnlyKeys("s0", "s1", "s2");
        // 160 points per shard keep each share within a few percent of a third.
        counts.values().forEach(n -> assertThat(n / (double) KEYS.size()).isBetween(0.27, 0.40));
    }

    @Test
    void addingAFourthShardMovesAboutAQuarterOfTheKeysAllToIt() {
        HashRing<String> three = ring("s0", "s1", "s2");
        HashRing<String> four = ring("s0", "s1", "s2", "s3");
        Map<String, String> moved = new HashMap<>();
        for (String key : KEYS) {
            if (!three.owner(key).equals(four.owner(key))) {
                moved.put(key, four.owner(key));
            }
        }
        assertThat(moved.size() / (double) KEYS.size()).isBetween(0.18, 0.32);
        assertThat(moved.values()).containsOnly("s3");
    }

    @Test
    void removingAShardMovesOnlyItsKeys() {
        HashRing<String> three = ring("s0", "s1", "s2");
        HashRing<String> two = ring("s0", "s2");
        for (String key : KEYS) {
            if (!three.owner(key).equals("s1")) {
                assertThat(two.owner(key)).as(key).isEqualTo(three.owner(key));
            }
        }
    }

    @Test
    void ownershipDependsOnNamesNotOnTheirOrder() {
        HashRing<String> a = ring("s0", "s1", "s2");
        HashRing<String> b = ring("s2", "s0", "s1");
        KEYS.stream().limit(2_000).forEach(key -> assertThat(b.owner(key)).isEqualTo(a.owner(key)));
    }

    @Test
    void oneShardOwnsEverything() {
        HashRing<String> one = ring("only");
        assertThat(KEYS.stream().limit(100).map(one::owner)).containsOnly("only");
    }

    @Test
    void refusesAnEmptyRing() {
        assertThatThrownBy(() -> new HashRing<>(Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
