package io.patternkit.samples.spring;

import io.patternkit.samples.search.SearchShard;
import io.patternkit.samples.search.TermStats;
import io.patternkit.scatter.LeafContext;
import io.patternkit.spring.scatter.ScatterLeafHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * This replica's shard of the search service: the files it indexed (its ledger) searched with Lucene, served as the
 * leaf of the search pool on the application's own web server. A scatter asks each shard for its statistics of the
 * query's terms; the root's merge sums them into the statistics of one index over the whole corpus. The shard is
 * built again when the ledger has grown since the last query.
 */
public class ShardSearch {
    private final SampleProperties properties;
    private List<String> indexed = List.of();
    private SearchShard shard;

    /** A query: analysed terms, from {@link SearchShard#terms(String)}. */
    public record Query(List<String> terms) {
    }

    ShardSearch(SampleProperties properties) {
        this.properties = properties;
    }

    @ScatterLeafHandler(pool = "${sample.search-pool:spring-search}", shard = "${sample.name}")
    synchronized TermStats stats(Query query, LeafContext context) throws IOException {
        List<String> ledger = Files.exists(properties.ledger()) ? Files.readAllLines(properties.ledger()) : List.of();
        if (shard == null || ledger.size() != indexed.size()) {
            if (shard != null) {
                shard.close();
            }
            List<Path> files = ledger.stream().map(properties.inputRoot()::resolve).toList();
            try {
                shard = SearchShard.build(properties.inputRoot(), files);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            indexed = ledger;
        }
        return shard.stats(query.terms());
    }
}
