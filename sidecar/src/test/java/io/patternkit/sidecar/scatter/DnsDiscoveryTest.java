package io.patternkit.sidecar.scatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patternkit.sidecar.common.SilentListener;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.OutboundToken;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DnsDiscoveryTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void anAddressThatDropsConnectionAttemptsDelaysARoundByTheInfoTimeoutAndHoldsNoAttemptLonger() throws Exception {
        try (SilentListener silent = new SilentListener()) {
            Set<Integer> before = silent.pendingAttempts(); // the listener's own, beyond its full accept queue
            LeafRegistry registry = new LeafRegistry(Ticker.system());
            DnsDiscovery discovery = new DnsDiscovery(vertx, registry,
                    List.of(DnsLeaves.parse("search=localhost:" + silent.address().getPort() + "/patternkit/leaf/search")),
                    OutboundToken.none(), new LeafTls(Optional.empty(), Optional.empty()));
            try {
                long start = System.nanoTime();
                discovery.start(Duration.ofMinutes(10)).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the first round").isLessThan(Duration.ofSeconds(5));
                assertThat(registry.shards("search")).isEmpty();
                // Vert.x's default connect timeout is a minute: the attempt would hold one of the address's pooled places.
                await().atMost(Duration.ofSeconds(5)).until(() -> before.containsAll(silent.pendingAttempts()));
            } finally {
                discovery.close();
            }
        }
    }
}
