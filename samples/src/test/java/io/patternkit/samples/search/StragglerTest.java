package io.patternkit.samples.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.scatter.LeafContext;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StragglerTest {
    /** A leaf call whose cancellation the test controls. */
    private static final class Call implements LeafContext {
        final CompletableFuture<Void> cancelled = new CompletableFuture<>();

        @Override
        public String pool() {
            return SearchPools.STATS;
        }

        @Override
        public String shard() {
            return "s0";
        }

        @Override
        public String leafId() {
            return "s0-r1";
        }

        @Override
        public String scatterId() {
            return "sc-1";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public Duration remaining() {
            return Duration.ofMinutes(1);
        }

        @Override
        public boolean isCancelled() {
            return cancelled.isDone();
        }

        @Override
        public CompletionStage<Void> whenCancelled() {
            return cancelled;
        }
    }

    @Test
    void aSlowCallGivesUpAsSoonAsTheRootCancelsIt() throws Exception {
        Straggler straggler = new Straggler();
        straggler.set(Duration.ofMinutes(10), 1);
        Call call = new Call();
        CountDownLatch started = new CountDownLatch(1);
        ExecutorService leaf = Executors.newSingleThreadExecutor();
        try {
            Future<Straggler.Delayed> delayed = leaf.submit(() -> {
                started.countDown();
                return straggler.await(call);
            });
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            call.cancelled.complete(null);
            Straggler.Delayed seen = delayed.get(5, TimeUnit.SECONDS);
            assertThat(seen.cancelled()).isTrue();
            assertThat(seen.waited()).isLessThan(Duration.ofMinutes(10));
        } finally {
            leaf.shutdownNow();
        }
    }

    @Test
    void anUncancelledCallWaitsTheWholeDelay() throws InterruptedException {
        Straggler straggler = new Straggler();
        straggler.set(Duration.ofMillis(50), 1);
        Straggler.Delayed seen = straggler.await(new Call());
        assertThat(seen.cancelled()).isFalse();
        assertThat(seen.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void onlyEveryNthCallIsSlowAndOffMeansNoDelay() throws InterruptedException {
        Straggler straggler = new Straggler();
        assertThat(straggler.await(new Call())).as("off by default").isNull();
        Call cancelled = new Call();
        cancelled.cancelled.complete(null);
        straggler.set(Duration.ofMinutes(10), 3);
        assertThat(straggler.await(cancelled)).isNull();
        assertThat(straggler.await(cancelled)).isNull();
        assertThat(straggler.await(cancelled)).as("the third call is slow (and already cancelled)").isNotNull()
                .extracting(Straggler.Delayed::cancelled).isEqualTo(true);
    }
}
