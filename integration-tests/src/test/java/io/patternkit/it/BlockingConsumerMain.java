package io.patternkit.it;

import io.patternkit.core.SidecarConfig;
import io.patternkit.workqueue.WorkQueueClient;
import io.patternkit.workqueue.WorkQueueConsumer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * An app process for the kill tests: it consumes one queue and, for every item, writes the item's
 * id to a marker file and then blocks forever, so that the test can kill it with {@code kill -9}
 * while it is mid-item.
 *
 * <p>Arguments: sidecar URL, queue name, marker file, visibility timeout (ISO-8601).
 */
public final class BlockingConsumerMain {
    private BlockingConsumerMain() {
    }

    public static void main(String[] args) throws Exception {
        URI sidecar = URI.create(args[0]);
        Path marker = Path.of(args[2]);
        CountDownLatch never = new CountDownLatch(1);
        WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(sidecar).build());
        WorkQueueConsumer consumer = WorkQueueConsumer.builder(client.queue(args[1]), item -> {
            Files.writeString(marker, item.id());
            never.await();
        }).concurrency(1).batchSize(1).visibilityTimeout(Duration.parse(args[3])).pollWait(Duration.ofSeconds(1)).build();
        consumer.start();
        never.await();
    }
}
