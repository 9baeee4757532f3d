package io.patternkit.testing;

import io.patternkit.scatter.LeafHandler;
import io.patternkit.scatter.MergeHandler;
import io.patternkit.scatter.ScatterGather;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

/** The scatter/gather compatibility kit against the in-memory fake. */
class InMemoryScatterCompatibilityTest extends ScatterCompatibilityKit {
    private final InMemoryScatter scatter = new InMemoryScatter();

    @AfterEach
    void close() {
        scatter.close();
    }

    @Override
    protected ScatterGather root() {
        return scatter;
    }

    @Override
    protected URI serveMerge(MergeHandler<Query, Part, ?> handler) {
        URI url = URI.create("http://merge-" + UUID.randomUUID() + ":7500/patternkit/merge");
        scatter.mergeContainer(url, Query.class, Part.class, handler);
        return url;
    }

    @Override
    protected void serveReplica(String pool, String shard, String leafId, LeafHandler<Query, Part> handler) {
        scatter.replica(pool, shard, leafId, Query.class, handler);
    }
}
