package io.patternkit.sidecar.common;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place the sidecar makes its own threads: daemon threads (so none of them keeps the JVM
 * alive past the drain) with names that say whose they are, as OkHttp's {@code threadFactory} and
 * resilience4j's {@code NamingThreadFactory} do.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * @param name the thread's name, such as {@code patternkit-pg-listen}
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
     * @param prefix the names' prefix, such as {@code patternkit-exec-}
     * @return a factory of daemon threads named {@code prefix1}, {@code prefix2}, ...
     */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return body -> newThread(prefix + n.incrementAndGet(), body);
    }
}
