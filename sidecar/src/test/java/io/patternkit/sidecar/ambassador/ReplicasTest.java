package io.patternkit.sidecar.ambassador;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReplicasTest {
    private static final UpstreamSpec.Ejection EJECTION = new UpstreamSpec.Ejection(50, 4, 2, Duration.ofMinutes(5));
    private final SplittableRandom random = new SplittableRandom(42);

    private static Endpoint endpoint(int port) {
        return new Endpoint(URI.create("http://127.0.0.1:" + port), EJECTION);
    }

    @Test
    void prefersTheReplicaWithFewerRequestsInFlight() {
        Endpoint busy = endpoint(1);
        Endpoint idle = endpoint(2);
        for (int i = 0; i < 5; i++) {
            assertThat(busy.tryAcquire()).isTrue();
        }
        Replicas shard = new Replicas("s0", List.of(busy, idle));
        for (int i = 0; i < 20; i++) {
            Endpoint picked = shard.pick(Set.of(), random).orElseThrow();
            assertThat(picked).isSameAs(idle);
            picked.succeeded(Duration.ofMillis(1));
        }
    }

    @Test
    void spreadsEvenlyOverIdleReplicas() {
        List<Endpoint> endpoints = List.of(endpoint(1), endpoint(2), endpoint(3));
        Replicas shard = new Replicas("s0", endpoints);
        Map<Endpoint, Integer> picks = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            Endpoint picked = shard.pick(Set.of(), random).orElseThrow();
            picks.merge(picked, 1, Integer::sum);
            picked.succeeded(Duration.ofMillis(1));
        }
        assertThat(picks.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    }

    @Test
    void leavesOutTriedReplicasAndEjectedOnes() {
        Endpoint failing = endpoint(1);
        Endpoint healthy = endpoint(2);
        for (int i = 0; i < 2; i++) {
            assertThat(failing.tryAcquire()).isTrue();
            failing.failed(Duration.ofMillis(1), new IllegalStateException("refused"));
        }
        assertThat(failing.ejected()).isTrue();
        assertThat(failing.state()).isEqualTo("open");
        Replicas shard = new Replicas("s0", List.of(failing, healthy));
        for (int i = 0; i < 10; i++) {
            Endpoint picked = shard.pick(Set.of(), random).orElseThrow();
            assertThat(picked).isSameAs(healthy);
            picked.succeeded(Duration.ofMillis(1));
        }
        assertThat(shard.pick(Set.of(healthy), random)).isEmpty();
        assertThat(shard.ejected()).isEqualTo(1);
    }

    @Test
    void anEjectedReplicaIsTriedAgainAfterItsEjection() {
        Endpoint replica = new Endpoint(URI.create("http://127.0.0.1:1"), new UpstreamSpec.Ejection(50, 2, 1, Duration.ofMillis(1)));
        assertThat(replica.tryAcquire()).isTrue();
        replica.failed(Duration.ofMillis(1), new IllegalStateException("refused"));
        assertThat(replica.ejected()).isTrue();
        Replicas shard = new Replicas("s0", List.of(replica));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> shard.pick(Set.of(), random).isPresent());
        assertThat(replica.state()).isEqualTo("half-open");
    }

    @Test
    void anEjectedReplicaWithAHealthySiblingGetsItsTrialAfterItsEjection() {
        Endpoint repaired = new Endpoint(URI.create("http://127.0.0.1:1"), new UpstreamSpec.Ejection(50, 2, 1, Duration.ofMillis(200)));
        Endpoint healthy = endpoint(2);
        assertThat(repaired.tryAcquire()).isTrue();
        repaired.failed(Duration.ofMillis(1), new IllegalStateException("refused"));
        assertThat(repaired.ejected()).isTrue();
        Replicas shard = new Replicas("s0", List.of(repaired, healthy));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            Endpoint picked = shard.pick(Set.of(), random).orElseThrow();
            if (picked == healthy) {
                healthy.succeeded(Duration.ofMillis(1));
                return false;
            }
            return true;
        });
        assertThat(repaired.state()).isEqualTo("half-open");
        assertThat(shard.ejected()).isZero();
    }
}
