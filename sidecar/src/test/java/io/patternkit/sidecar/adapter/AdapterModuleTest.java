package io.patternkit.sidecar.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdapterModuleTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void aRunThatHangsHoldsOneWorkerThreadAndTheNextRunWaitsForIt() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        long timer = AdapterModule.every(vertx, Duration.ofMillis(5), () -> {
            if (started.incrementAndGet() == 1) {
                try {
                    unblock.await(); // a query on a database that stopped answering
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            finished.incrementAndGet();
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> started.get() == 1);
        unblock.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> finished.get() >= 3); // the periods after it run again
        vertx.cancelTimer(timer);
        assertThat(started.get()).isGreaterThanOrEqualTo(3);
    }
}
