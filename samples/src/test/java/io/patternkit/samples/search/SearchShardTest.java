package io.patternkit.samples.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchShardTest {
    @TempDir
    Path root;

    @Test
    void shardsSearchedWithGlobalStatisticsRankExactlyLikeOneIndex() throws IOException {
        List<Path> files = new ArrayList<>();
        String[] words = {"concurrent", "hash", "map", "queue", "lease", "leader", "fencing", "token", "shard", "merge"};
        for (int i = 0; i < 60; i++) {
            StringBuilder body = new StringBuilder("class C" + i + " {\n");
            for (int w = 0; w < 3 + i % 7; w++) {
                body.append(words[(i * 7 + w * 3) % words.length]).append("Value").append(' ');
            }
            Path file = root.resolve("pkg" + i % 4 + "/C" + i + ".java");
            Files.createDirectories(file.getParent());
            files.add(Files.writeString(file, body.append("}\n")));
        }
        List<String> terms = SearchShard.terms("leader fencing token");
        assertThat(terms).containsExactly("leader", "fencing", "token");

        try (SearchShard whole = SearchShard.build(root, files)) {
            List<Hit> expected = whole.search(terms, whole.stats(terms), 10);
            assertThat(expected).hasSize(10);

            int shards = 3;
            List<SearchShard> parts = IntStream.range(0, shards)
                    .mapToObj(i -> SearchShard.build(root, Sharding.filesOf(root, files, i, shards))).toList();
            assertThat(parts.stream().mapToInt(SearchShard::documents).sum()).isEqualTo(files.size());
            TermStats global = parts.stream().map(s -> s.stats(terms)).reduce(TermStats.EMPTY, TermStats::plus);
            List<Hit> merged = parts.stream().flatMap(s -> s.search(terms, global, 10).stream())
                    .sorted(Hit.BEST_FIRST).limit(10).toList();
            assertThat(merged).isEqualTo(expected);

            List<Hit> localStatsOnly = parts.stream().flatMap(s -> s.search(terms, s.stats(terms), 10).stream())
                    .sorted(Hit.BEST_FIRST).limit(10).toList();
            assertThat(localStatsOnly).as("without global statistics the scores differ")
                    .isNotEqualTo(expected);
            for (SearchShard part : parts) {
                part.close();
            }
        }
    }
}
