package io.patternkit.sidecar.scatter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patternkit.sidecar.common.SilentListener;
import io.patternkit.sidecar.common.Ticker;
import io.patternkit.sidecar.host.OutboundToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "the attempt's socket is watched in Linux's /proc");
        try (SilentListener silent = new SilentListener()) {
            LeafRegistry registry = new LeafRegistry(Ticker.system());
            String address = silent.address().getAddress().getHostAddress() + ":" + silent.address().getPort();
            DnsDiscovery discovery = new DnsDiscovery(vertx, registry,
                    List.of(DnsLeaves.parse("search=" + address + "/patternkit/leaf/search")),
                    OutboundToken.none(), new LeafTls(Optional.empty(), Optional.empty()));
            try {
                long start = System.nanoTime();
                Future<Void> round = discovery.start(Duration.ofMinutes(10));
                await().atMost(Duration.ofSeconds(5)).until(() -> !silent.pendingAttempts().isEmpty()); // it is seen
                round.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the first round").isLessThan(Duration.ofSeconds(5));
                assertThat(registry.shards("search")).isEmpty();
                // Vert.x's default connect timeout is a minute: the attempt would hold one of the address's pooled places.
                await().atMost(Duration.ofSeconds(5)).until(() -> silent.pendingAttempts().isEmpty());
            } finally {
                discovery.close();
            }
        }
    }
}
