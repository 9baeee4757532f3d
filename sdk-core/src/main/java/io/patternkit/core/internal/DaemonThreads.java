package io.patternkit.core.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place the SDK makes its own threads: daemon threads (so that none keeps the
 * application's JVM alive) with names that say whose they are, as OkHttp's {@code threadFactory}
 * and resilience4j's {@code NamingThreadFactory} do. Not part of the API.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * @param name the thread's name, such as {@code patternkit-leader-jobs-events}
     * @param body what it runs
     * @return the daemon thread, not started
     */
    public static Thread newThread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * @param name the name every thread of the factory gets (for single-thread executors)
     * @return a factory of daemon threads so named
     */
    public static ThreadFactory named(String name) {
        return body -> newThread(name, body);
    }

    /**
     * @param prefix the names' prefix, such as {@code patternkit-async-}
     * @return a factory of daemon threads named {@code prefix1}, {@code prefix2}, ...
     */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return body -> newThread(prefix + n.incrementAndGet(), body);
    }
}
