package io.patternkit.sidecar.scatter;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * {@link TaskScheduler} on Vert.x timers: a task scheduled from a Vert.x context runs on that
 * context, so a scatter call started on an event loop stays on it. Timer resolution is one
 * millisecond; delays are rounded up.
 */
public final class VertxTaskScheduler implements TaskScheduler {
    private final Vertx vertx;

    /** @param vertx the Vert.x instance whose timers to use */
    public VertxTaskScheduler(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The JVM's clock, which Vert.x timers run on. */
    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        long ms = Math.max(1, (delay.toNanos() + 999_999) / 1_000_000);
        long id = vertx.setTimer(ms, t -> task.run());
        return () -> vertx.cancelTimer(id);
    }
}
