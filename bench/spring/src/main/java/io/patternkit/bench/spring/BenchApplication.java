package io.patternkit.bench.spring;

import io.patternkit.spring.workqueue.WorkQueueListener;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** The measured application: one {@code @WorkQueueListener} that binds each payload and counts it. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BenchApplication {
    /** Spring creates it. */
    public BenchApplication() {
    }

    /** The payload of every benchmark item. */
    public record Payload(long n, String text) {
    }

    /** Counts what it handled. */
    public static class CountingListener {
        final LongAdder handled = new LongAdder();

        @WorkQueueListener(queue = "${bench.queue}")
        void handle(Payload payload) {
            if (payload.n() >= 0) {
                handled.increment();
            }
        }
    }

    @Bean
    CountingListener countingListener() {
        return new CountingListener();
    }
}
