package io.patternkit.it;

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
 * An app process for the drain tests: a work-queue consumer that has joined its {@link Lifecycle} and
 * drains on SIGTERM. Each handler takes {@code handlerMs}, or blocks until interrupted when it is
 * negative. Prints {@code EVENT STARTED} once consuming, {@code EVENT HANDLING id=..} when a handler that blocks
 * has its item (a claimed item may wait in the consumer's buffer before a handler takes it), and after the drain
 * {@code EVENT DRAINED completed=.. released=.. stranded=.. tookMs=.. clean=..}.
 *
 * <p>Arguments: sidecar URL, queue name, concurrency, batch size, handler milliseconds, drain deadline
 * (ISO-8601), visibility timeout (ISO-8601).
 */
public final class DrainingWorkerMain {
    private DrainingWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        long handlerMs = Long.parseLong(args[4]);
        Lifecycle lifecycle = Lifecycle.builder().drainDeadline(Duration.parse(args[5])).build();
        WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(URI.create(args[0])).build());
        lifecycle.closeAtDrain(DrainPhase.CLOSE_CLIENTS, "client", client);
        CountDownLatch never = new CountDownLatch(1);
        WorkQueueConsumer consumer = WorkQueueConsumer.builder(client.queue(args[1]), item -> {
            if (handlerMs < 0) {
                System.out.println("EVENT HANDLING id=" + item.id());
                System.out.flush();
                never.await();
            } else {
                Thread.sleep(handlerMs);
            }
        }).concurrency(Integer.parseInt(args[2])).batchSize(Integer.parseInt(args[3]))
                .visibilityTimeout(Duration.parse(args[6])).pollWait(Duration.ofSeconds(5)).lifecycle(lifecycle).build();
        lifecycle.addListener(new LifecycleListener() {
            @Override
            public void onDrained(DrainReport report) {
                DrainResult r = consumer.drainResult().orElse(new DrainResult(0, 0, 0));
                System.out.printf("EVENT DRAINED completed=%d released=%d stranded=%d tookMs=%d clean=%s%n",
                        r.completed(), r.released(), r.stranded(), report.took().toMillis(), report.clean());
                System.out.flush();
            }
        });
        lifecycle.drainOnSigterm();
        consumer.start();
        System.out.println("EVENT STARTED");
        System.out.flush();
        lifecycle.awaitDrained(Duration.ofDays(1));
    }
}
