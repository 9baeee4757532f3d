package io.patternkit.samples.spring;

import io.patternkit.samples.search.SearchShard;
import io.patternkit.samples.search.TermStats;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.scatter.ShardOutcome;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The search service's HTTP endpoint: {@code GET /search?q=...} scatters the query's terms over every replica's shard
 * through the scatter sidecar and answers the merged statistics, with the shards that answered.
 */
@RestController
public class SearchController {
    private final ScatterGather scatter;
    private final SampleProperties properties;

    /** What a search answers. */
    public record Answer(String query, List<String> terms, List<String> shards, boolean complete, TermStats stats) {
    }

    SearchController(ScatterGather scatter, SampleProperties properties) {
        this.scatter = scatter;
        this.properties = properties;
    }

    @GetMapping("/search")
    Answer search(@RequestParam("q") String text) {
        List<String> terms = SearchShard.terms(text);
        GatherResult<TermStats> result = scatter.scatter(properties.searchPool(), new ShardSearch.Query(terms),
                TermStats.class, Merger.of(() -> TermStats.EMPTY, TermStats::plus));
        List<String> answered = result.shards().stream().filter(ShardOutcome::answered).map(ShardOutcome::shard).sorted()
                .toList();
        return new Answer(text, terms, answered, result.isComplete(), result.partialValue());
    }
}
