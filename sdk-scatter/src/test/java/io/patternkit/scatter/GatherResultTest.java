package io.patternkit.scatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** GatherResult's guard against partial answers, the merger factories, and the options' validation. */
class GatherResultTest {
    private static ShardOutcome answered(String shard) {
        return new ShardOutcome(shard, ShardStatus.ANSWERED, Optional.of("leaf-" + shard), Optional.empty(),
                Optional.of(Duration.ofMillis(3)), false, 1);
    }

    private static ShardOutcome missing(String shard, ShardStatus status, String reason) {
        return new ShardOutcome(shard, status, Optional.empty(), Optional.of(reason), Optional.empty(), false, 1);
    }

    @Test
    void aCompleteResultGivesItsValue() {
        GatherResult<String> r = new GatherResult<>("search", "sc-1", true, true, Duration.ofMillis(5),
                List.of(answered("s1"), answered("s2")), GatherStats.NONE, "merged");
        assertThat(r.value()).isEqualTo("merged");
        assertThat(r.valueIfPolicyMet()).isEqualTo("merged");
        assertThat(r.missing()).isEmpty();
        assertThat(r.shard("s2")).contains(answered("s2"));
        assertThat(r.shard("s9")).isEmpty();
    }

    @Test
    void aPartialResultThrowsNamingTheMissingShardsUnlessAskedExplicitly() {
        GatherResult<String> r = new GatherResult<>("search", "sc-2", false, false, Duration.ofMillis(1000),
                List.of(answered("s1"), missing("s2", ShardStatus.TIMED_OUT, "no answer within 1000 ms"),
                        missing("s3", ShardStatus.FAILED, "leaf-failed: java.io.IOException")),
                GatherStats.NONE, "half");
        assertThatThrownBy(r::value).isInstanceOfSatisfying(PartialResultException.class, e -> {
            assertThat(e.missing()).extracting(ShardOutcome::shard).containsExactly("s2", "s3");
            assertThat(e.policyMet()).isFalse();
            assertThat(e.isRetryable()).isFalse();
        }).hasMessageContaining("s2 timedOut (no answer within 1000 ms)")
                .hasMessageContaining("s3 failed (leaf-failed: java.io.IOException)")
                .hasMessageContaining("sc-2").hasMessageContaining("partialValue()");
        assertThatThrownBy(r::valueIfPolicyMet).isInstanceOf(PartialResultException.class);
        assertThat(r.partialValue()).isEqualTo("half");
        assertThat(r.isComplete()).isFalse();
    }

    @Test
    void aQuorumResultIsReachableThroughValueIfPolicyMetOnly() {
        GatherResult<Integer> r = new GatherResult<>("p", "sc-3", false, true, Duration.ZERO,
                List.of(answered("a"), answered("b"), missing("c", ShardStatus.SKIPPED, "completion policy met")),
                GatherStats.NONE, 2);
        assertThatThrownBy(r::value).isInstanceOf(PartialResultException.class).hasMessageContaining("policy met");
        assertThat(r.valueIfPolicyMet()).isEqualTo(2);
    }

    @Test
    void aFailedMergeIsNeverAValue() {
        GatherResult<String> r = new GatherResult<>("p", "sc-4", true, true, Duration.ZERO, List.of(answered("a")),
                GatherStats.NONE, null, "merge container answered 500");
        assertThatThrownBy(r::value).isInstanceOf(MergeFailedException.class)
                .hasMessageContaining("merge container answered 500");
        assertThat(r.mergeError()).contains("merge container answered 500");
        assertThat(r.partialValue()).isNull();
    }

    @Test
    void completeMustAgreeWithTheShards() {
        assertThatThrownBy(() -> new GatherResult<>("p", "x", true, true, Duration.ZERO,
                List.of(answered("a"), missing("b", ShardStatus.FAILED, "boom")), GatherStats.NONE, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GatherResult<>("p", "x", true, true, Duration.ZERO,
                List.of(answered("a"), answered("a")), GatherStats.NONE, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mergerFactoriesKeepArrivalOrderAndStartFreshPerScatter() {
        Merger<Integer, List<Integer>> list = Merger.toList();
        List<Integer> first = list.initial();
        first = list.merge(first, new Part<>("s2", "l", 2, Duration.ZERO, false));
        first = list.merge(first, new Part<>("s1", "l", 1, Duration.ZERO, false));
        assertThat(first).containsExactly(2, 1);
        assertThat(list.initial()).isEmpty();
        Merger<String, Map<String, String>> byShard = Merger.byShard();
        Map<String, String> m = byShard.merge(byShard.initial(), new Part<>("s9", "l", "x", Duration.ZERO, true));
        assertThat(m).containsExactly(Map.entry("s9", "x"));
        Merger<Integer, Integer> sum = Merger.of(() -> 0, Integer::sum);
        assertThat(sum.merge(sum.merge(sum.initial(), new Part<>("a", "l", 3, Duration.ZERO, false)),
                new Part<>("b", "l", 4, Duration.ZERO, false))).isEqualTo(7);
    }

    @Test
    void optionsAreValidatedAndImmutable() {
        ScatterOptions o = ScatterOptions.builder().deadline(Duration.ofMillis(250)).leafTimeout(Duration.ofMillis(100))
                .completion(Completion.firstN(2)).hedging(Hedging.enabled().withDelayPercentile(99)
                        .withDelayBounds(Duration.ZERO, Duration.ofMillis(50)).withMaxExtraLoadPercent(2))
                .shards(List.of("s1", "s2", "s1")).mergeUrl(URI.create("http://127.0.0.1:7500/merge")).build();
        assertThat(o.shards()).containsExactly("s1", "s2");
        assertThat(o.completion().n()).hasValue(2);
        assertThat(o.toBuilder().build()).isEqualTo(o);
        assertThat(ScatterOptions.defaults().deadline()).isEqualTo(Duration.ofSeconds(1));
        assertThat(ScatterOptions.defaults().hedging()).isEmpty();
        assertThat(Completion.quorum().required(5)).isEqualTo(3);
        assertThat(Completion.quorum().required(4)).isEqualTo(3);
        assertThat(Completion.all().required(4)).isEqualTo(4);
        ScatterOptions.Builder b = ScatterOptions.builder();
        assertThatThrownBy(() -> b.deadline(Duration.ofSeconds(61))).hasMessageContaining("deadline");
        assertThatThrownBy(() -> b.deadline(Duration.ofNanos(10))).hasMessageContaining("deadline");
        assertThatThrownBy(() -> b.shards(List.of("-bad"))).hasMessageContaining("shard");
        assertThatThrownBy(() -> b.mergeUrl(URI.create("ftp://x/y"))).hasMessageContaining("mergeUrl");
        assertThatThrownBy(() -> b.deadline(Duration.ofMillis(10)).leafTimeout(Duration.ofMillis(20)).build())
                .hasMessageContaining("leafTimeout");
        assertThatThrownBy(() -> Completion.firstN(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hedging.enabled().withDelayPercentile(100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hedging.enabled().withDelayBounds(Duration.ofMillis(5), Duration.ofMillis(4)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hedging.enabled().withMaxHedges(0)).hasMessageContaining("maxHedges");
        assertThatThrownBy(() -> Hedging.enabled().withMaxHedges(5)).hasMessageContaining("maxHedges");
        assertThat(Hedging.enabled().withMaxHedges(4).maxHedges()).hasValue(4);
        assertThat(Hedging.enabled().maxHedges()).isEmpty();
    }
}
