package io.patternkit.spring;

import java.util.concurrent.CountDownLatch;

/**
 * A non-daemon thread that keeps the JVM running while a Patternkit bean has work to wait for, as the listener
 * containers of Spring Kafka and Spring Cloud AWS do with their own threads: without it, an application whose only
 * work is a {@code @WorkQueueListener} or a leadership (no web server) would exit as soon as its {@code main} returns,
 * since the SDK's threads are daemons. Started by the bean's {@code start()}, released by its {@code stop()}; the
 * context's shutdown (SIGTERM through Spring Boot's shutdown hook) stops it as usual.
 */
public final class KeepAlive {
    private final String name;
    private CountDownLatch released;

    /** @param name the thread's name, such as {@code patternkit-listeners-keep-alive} */
    public KeepAlive(String name) {
        this.name = name;
    }

    /** Starts the thread; does nothing while it runs. */
    public synchronized void start() {
        if (released != null) {
            return;
        }
        CountDownLatch latch = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.setDaemon(false);
        thread.start();
        released = latch;
    }

    /** Lets the thread end; does nothing when it is not running. */
    public synchronized void stop() {
        if (released != null) {
            released.countDown();
            released = null;
        }
    }
}
