package io.patternkit.bench.drain;

import io.patternkit.core.SidecarConfig;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.DrainReport;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.lifecycle.LifecycleListener;
import io.patternkit.workqueue.DrainResult;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueueConsumer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The worker the drain benchmark stops: a consumer with handlers of a fixed length. With {@code drain}
 * it has joined its {@link Lifecycle} and drains on SIGTERM, printing
 * {@code EVENT DRAINED completed=.. released=.. stranded=.. tookMs=..}; without, SIGTERM ends the JVM as
 * it does by default, and whatever the consumer held waits out its visibility timeout.
 *
 * <p>Arguments: sidecar URL, queue, concurrency, handler milliseconds, visibility timeout (ISO-8601),
 * {@code drain} or {@code no-drain}.
 */
public final class DrainWorker {
    private DrainWorker() {
    }

    /**
     * @param args see the class documentation
     * @throws Exception when the worker cannot start
     */
    public static void main(String[] args) throws Exception {
        long handlerMs = Long.parseLong(args[3]);
        boolean drain = args[5].equals("drain");
        WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(URI.create(args[0])).build());
        Lifecycle lifecycle = Lifecycle.builder().drainDeadline(Duration.ofSeconds(10)).build();
        WorkQueueConsumer.Builder builder = WorkQueueConsumer.builder(client.queue(args[1]), item -> Thread.sleep(handlerMs))
                .concurrency(Integer.parseInt(args[2])).visibilityTimeout(Duration.parse(args[4]))
                .pollWait(Duration.ofSeconds(5));
        if (drain) {
            builder.lifecycle(lifecycle);
            lifecycle.closeAtDrain(DrainPhase.CLOSE_CLIENTS, "client", client);
        }
        WorkQueueConsumer consumer = builder.build();
        lifecycle.addListener(new LifecycleListener() {
            @Override
            public void onDrained(DrainReport report) {
                DrainResult r = consumer.drainResult().orElse(new DrainResult(0, 0, 0));
                System.out.printf("EVENT DRAINED completed=%d released=%d stranded=%d tookMs=%d%n", r.completed(),
                        r.released(), r.stranded(), report.took().toMillis());
                System.out.flush();
            }
        });
        if (drain) {
            lifecycle.drainOnSigterm();
        }
        consumer.start();
        System.out.println("EVENT STARTED");
        System.out.flush();
        new CountDownLatch(1).await(); // until SIGTERM
    }
}
