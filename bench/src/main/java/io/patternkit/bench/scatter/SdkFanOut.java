package io.patternkit.bench.scatter;

import io.patternkit.core.SidecarConfig;
import io.patternkit.scatter.GatherResult;
import io.patternkit.scatter.Hedging;
import io.patternkit.scatter.Merger;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The product path: {@link ScatterClient#scatter} through the root sidecar (NDJSON, parts merged in Java
 * with {@link Merger#toList()} as they arrive), with the options given.
 */
final class SdkFanOut implements FanOut {
    private final ScatterClient client;
    private final ScatterOptions options;
    private GatherResult<List<LeafPart>> last;

    /**
     * @param root the root sidecar
     * @param options deadline, hedging
     */
    SdkFanOut(URI root, ScatterOptions options) {
        this.client = ScatterClient.create(SidecarConfig.builder().baseUrl(root).build());
        this.options = options;
    }

    /** Options of the overhead runs: 2 s deadline, completion all, hedging off (a pure fan-out). */
    static ScatterOptions plain() {
        return ScatterOptions.builder().deadline(Duration.ofSeconds(2)).hedging(Hedging.disabled()).build();
    }

    @Override
    public String name() {
        return "SDK `ScatterClient` → root sidecar";
    }

    @Override
    public long call(String pool, LeafWork work) {
        return slowest(scatter(pool, work, options));
    }

    /**
     * One scatter with other options (the tail runs).
     *
     * @param pool the pool
     * @param work the request
     * @param with the options
     * @return the result; its value throws unless every shard answered
     */
    GatherResult<List<LeafPart>> scatter(String pool, LeafWork work, ScatterOptions with) {
        last = client.scatter(pool, work, LeafPart.class, Merger.toList(), with);
        return last;
    }

    static long slowest(GatherResult<List<LeafPart>> result) {
        long max = 0;
        for (LeafPart part : result.value()) {
            max = Math.max(max, part.serviceNanos());
        }
        return max;
    }

    @Override
    public void close() {
        client.close();
    }
}
