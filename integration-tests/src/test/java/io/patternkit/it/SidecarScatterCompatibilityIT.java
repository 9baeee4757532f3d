package io.patternkit.it;

import static org.awaitility.Awaitility.await;

import io.patternkit.core.SidecarConfig;
import io.patternkit.management.ManagementServer;
import io.patternkit.scatter.LeafHandler;
import io.patternkit.scatter.MergeContainer;
import io.patternkit.scatter.MergeHandler;
import io.patternkit.scatter.ScatterClient;
import io.patternkit.scatter.ScatterGather;
import io.patternkit.scatter.ScatterLeaf;
import io.patternkit.testing.ScatterCompatibilityKit;
import io.patternkit.testing.SidecarProcess;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The scatter/gather compatibility kit against a real root sidecar, with real leaves: each shard a
 * {@link ScatterLeaf} on a {@link ManagementServer} of its own in this JVM, registered with the root.
 * The same suite {@link io.patternkit.testing.InMemoryScatter} passes.
 */
class SidecarScatterCompatibilityIT {

    /** The kit against the root at {@link #rootUrl()}; leaves are closed (and deregistered) after each test. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Kit extends ScatterCompatibilityKit {
        private final List<AutoCloseable> opened = new ArrayList<>();
        private ScatterClient client;

        /** @return the root sidecar's base URL */
        abstract URI rootUrl();

        @BeforeAll
        void connect() {
            client = ScatterClient.create(SidecarConfig.builder().baseUrl(rootUrl()).callTimeout(Duration.ofSeconds(10))
                    .build());
        }

        @AfterEach
        void closeLeaves() throws Exception {
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
            opened.clear();
        }

        @AfterAll
        void disconnect() {
            client.close();
        }

        @Override
        protected ScatterGather root() {
            return client;
        }

        @Override
        protected void serveReplica(String pool, String shard, String leafId, LeafHandler<Query, Part> handler) {
            ManagementServer server = ManagementServer.builder().build().start();
            opened.add(server);
            ScatterLeaf leaf = ScatterLeaf.builder(client, server).pool(pool).shard(shard).leafId(leafId)
                    .ttl(Duration.ofSeconds(10)).handler(Query.class, handler).start();
            opened.add(leaf);
            await().atMost(10, TimeUnit.SECONDS).until(leaf::isRegistered);
        }

        @Override
        protected URI serveMerge(MergeHandler<Query, Part, ?> handler) {
            ManagementServer server = ManagementServer.builder().build().start();
            opened.add(server);
            MergeContainer merge = MergeContainer.builder(server).handler(Query.class, Part.class, handler).start();
            opened.add(merge);
            return merge.url();
        }

        /** Real HTTP on a busy 2-core machine: 2 s past the deadline at most. */
        @Override
        protected Duration slack() {
            return Duration.ofSeconds(2);
        }
    }

    /** Against the scatter shorthand. */
    @org.junit.jupiter.api.Nested
    class Shorthand extends Kit {
        private SidecarProcess sidecar;

        @Override
        URI rootUrl() {
            if (sidecar == null) {
                sidecar = SidecarProcess.scatter().start();
            }
            return sidecar.baseUrl();
        }

        @AfterAll
        void stopSidecar() {
            if (sidecar != null) {
                sidecar.close();
            }
        }
    }
}
