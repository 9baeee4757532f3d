package io.patternkit.sidecar.scatter;

import java.time.Duration;
import java.util.PriorityQueue;

/** A {@link TaskScheduler} whose time moves only in {@link #advance}, running due tasks in time order. Single-threaded. */
final class ManualScheduler implements TaskScheduler {
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long now = 1_000_000_000L;
    private long seq;

    private final class Task implements Comparable<Task>, Cancellable {
        final long at;
        final long order = seq++;
        final Runnable runnable;
        boolean cancelled;

        Task(long at, Runnable runnable) {
            this.at = at;
            this.runnable = runnable;
        }

        @Override
        public int compareTo(Task o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(now + delay.toNanos(), task);
        tasks.add(t);
        return t;
    }

    void advance(Duration d) {
        long target = now + d.toNanos();
        while (!tasks.isEmpty() && tasks.peek().at <= target) {
            Task t = tasks.poll();
            now = t.at;
            if (!t.cancelled) {
                t.runnable.run();
            }
        }
        now = target;
    }

    void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }
}
