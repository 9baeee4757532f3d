package io.patternkit.samples.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patternkit.samples.search.SearchPools.HitsCall;
import io.patternkit.samples.search.SearchPools.ShardHits;
import io.patternkit.samples.search.SearchPools.StatsCall;
import io.patternkit.scatter.PartialResultException;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.ScatterOptions;
import io.patternkit.scatter.ShardStatus;
import io.patternkit.testing.InMemoryScatter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root side of the search through the in-memory scatter fake (real JSON round trips between root
 * and leaves): merged hits equal one index, and a missing shard makes the answer explicitly partial,
 * with the other shards' hits ranked exactly as one index over their data would rank them.
 */
class DistributedSearchTest {
    private static final int SHARDS = 3;
    private static final String QUERY = "leader fencing token";
    private static final ScatterOptions OPTIONS = ScatterOptions.builder().deadline(Duration.ofSeconds(5)).build();
    private static final List<String> NAMES = IntStream.range(0, SHARDS).mapToObj(Sharding::name).toList();

    @TempDir
    Path root;
    private final List<Path> files = new ArrayList<>();
    private final List<SearchShard> shards = new ArrayList<>();
    private final InMemoryScatter scatter = new InMemoryScatter();

    @BeforeEach
    void corpus() throws IOException {
        String[] words = {"concurrent", "hash", "map", "queue", "lease", "leader", "fencing", "token", "shard", "merge"};
        for (int i = 0; i < 90; i++) {
            StringBuilder body = new StringBuilder("class C" + i + " {\n");
            for (int w = 0; w < 3 + i % 7; w++) {
                body.append(words[(i * 7 + w * 3) % words.length]).append("Value").append(' ');
            }
            Path file = root.resolve("pkg" + i % 4 + "/C" + i + ".java");
            Files.createDirectories(file.getParent());
            files.add(Files.writeString(file, body.append("}\n")));
        }
        for (int i = 0; i < SHARDS; i++) {
            SearchShard shard = SearchShard.build(root, Sharding.filesOf(root, files, i, SHARDS));
            shards.add(shard);
            scatter.leaf(SearchPools.STATS, Sharding.name(i), StatsCall.class,
                    (call, ctx) -> shard.stats(SearchShard.terms(call.query())));
            scatter.leaf(SearchPools.HITS, Sharding.name(i), HitsCall.class,
                    (call, ctx) -> new ShardHits(shard.search(SearchShard.terms(call.query()), call.global(), call.k())));
        }
    }

    @AfterEach
    void close() throws IOException {
        scatter.close();
        for (SearchShard shard : shards) {
            shard.close();
        }
    }

    @Test
    void everyShardAnsweringGivesExactlyTheHitsOfOneIndex() throws IOException {
        SearchResult result = new DistributedSearch(scatter, NAMES, OPTIONS).search(QUERY, 10);

        assertThat(result.isComplete()).isTrue();
        assertThat(result.missing()).isEmpty();
        assertThat(result.answered()).containsExactlyElementsOf(NAMES);
        assertThat(result.hits()).hasSize(10).isEqualTo(oneIndexOver(files, 10));
    }

    @Test
    void aMergeContainerRunningTopHitsMergesRoundTwoExactlyAsTheJavaMergeDoes() throws IOException {
        URI merge = URI.create("http://merge:7500/patternkit/merge");
        scatter.mergeContainer(merge, HitsCall.class, ShardHits.class, DistributedSearch.topHits());

        GatherResult<ShardHits> merged = new DistributedSearch(scatter, NAMES, OPTIONS).searchMergedBy(merge, QUERY, 10);

        assertThat(merged.isComplete()).isTrue();
        assertThat(merged.value().hits()).hasSize(10).isEqualTo(oneIndexOver(files, 10));
    }

    @Test
    void aShardFailingTheStatisticsRoundIsNamedAndTheOthersAreRankedAsOneIndexOverTheirData() throws IOException {
        scatter.failing(SearchPools.STATS, "s1", new IllegalStateException("disk gone"));

        SearchResult result = new DistributedSearch(scatter, NAMES, OPTIONS).search(QUERY, 10);

        assertThat(result.isComplete()).isFalse();
        assertThat(result.missing()).singleElement().satisfies(m -> {
            assertThat(m.round()).isEqualTo(SearchPools.STATS);
            assertThat(m.outcome().shard()).isEqualTo("s1");
            assertThat(m.outcome().status()).isEqualTo(ShardStatus.FAILED);
            assertThat(m.outcome().reason()).isPresent();
        });
        assertThat(result.hitsRound().orElseThrow().shards()).as("the hits round asks only the shards counted")
                .extracting(o -> o.shard()).containsExactlyInAnyOrder("s0", "s2");
        assertThatThrownBy(result::hits).isInstanceOf(PartialResultException.class).hasMessageContaining("s1 failed");
        List<Path> others = new ArrayList<>(Sharding.filesOf(root, files, 0, SHARDS));
        others.addAll(Sharding.filesOf(root, files, 2, SHARDS));
        assertThat(result.partialHits()).isNotEmpty().isEqualTo(oneIndexOver(others, 10));
    }

    @Test
    void aShardFailingOnlyTheHitsRoundIsNamedAndItsHitsAreAbsent() throws IOException {
        scatter.failing(SearchPools.HITS, "s2", new IllegalStateException("oom"));

        SearchResult result = new DistributedSearch(scatter, NAMES, OPTIONS).search(QUERY, 5);

        assertThat(result.missing()).extracting(m -> m.round() + " " + m.outcome().shard())
                .containsExactly(SearchPools.HITS + " s2");
        assertThat(result.answered()).containsExactly("s0", "s1");
        List<Hit> whole = oneIndexOver(files, files.size());
        List<Hit> expected = whole.stream().filter(h -> Sharding.indexOf(h.path(), SHARDS) != 2).limit(5).toList();
        assertThat(result.partialHits()).as("scored with every shard's statistics, without s2's documents")
                .isEqualTo(expected);
        assertThatThrownBy(result::hits).isInstanceOf(PartialResultException.class).hasMessageContaining("s2 failed");
    }

    @Test
    void aShardWithNoReplicaAtAllIsReportedSkippedNotForgotten() {
        List<String> withGone = new ArrayList<>(NAMES);
        withGone.add("s9");

        SearchResult result = new DistributedSearch(scatter, withGone, OPTIONS).search(QUERY, 10);

        assertThat(result.isComplete()).isFalse();
        assertThat(result.missing()).singleElement().satisfies(m -> {
            assertThat(m.outcome().shard()).isEqualTo("s9");
            assertThat(m.outcome().status()).isEqualTo(ShardStatus.SKIPPED);
        });
        assertThat(result.partialHits()).hasSize(10);
    }

    @Test
    void noShardAnsweringGivesNoHitsRoundAndNoHits() {
        NAMES.forEach(s -> scatter.failing(SearchPools.STATS, s, new IllegalStateException("down")));

        SearchResult result = new DistributedSearch(scatter, NAMES, OPTIONS).search(QUERY, 10);

        assertThat(result.hitsRound()).isEmpty();
        assertThat(result.partialHits()).isEmpty();
        assertThat(result.missing()).hasSize(SHARDS);
        assertThatThrownBy(result::hits).isInstanceOf(PartialResultException.class);
    }

    private List<Hit> oneIndexOver(List<Path> docs, int k) throws IOException {
        try (SearchShard one = SearchShard.build(root, docs)) {
            List<String> terms = SearchShard.terms(QUERY);
            return one.search(terms, one.stats(terms), k);
        }
    }
}
