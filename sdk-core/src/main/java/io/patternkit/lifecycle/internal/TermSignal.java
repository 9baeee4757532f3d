package io.patternkit.lifecycle.internal;

import io.patternkit.lifecycle.Lifecycle;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT handling for {@link Lifecycle#drainOnSigterm()}: the first signal runs the drain on a
 * thread of its own and then exits with {@link Lifecycle#SIGTERM_EXIT_STATUS}; a second one halts at once.
 * Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}, exported on every JDK since 9) through
 * reflection, because javac reports any direct use of it as a warning that cannot be suppressed; without
 * it, the drain runs in a shutdown hook. Internal.
 */
public final class TermSignal {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
    private static final List<String> SIGNALS = List.of("TERM", "INT");

    private TermSignal() {
    }

    /** @param drain runs the drain and returns when it has ended */
    public static void install(Runnable drain) {
        AtomicInteger received = new AtomicInteger();
        Runnable onSignal = () -> {
            if (received.incrementAndGet() == 1) {
                Thread t = new Thread(() -> {
                    try {
                        drain.run();
                    } finally {
                        System.exit(Lifecycle.SIGTERM_EXIT_STATUS);
                    }
                }, "patternkit-sigterm-drain");
                t.setDaemon(false); // the signal's thread is a daemon: so would be this one, and the JVM could exit first
                t.start();
            } else {
                log.warn("second termination signal during the drain: halting now");
                Runtime.getRuntime().halt(Lifecycle.SIGTERM_EXIT_STATUS);
            }
        };
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            onSignal.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "patternkit drain on SIGTERM";
                    });
            Method handle = signal.getMethod("handle", signal, handlerType);
            for (String name : SIGNALS) {
                handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.info("signals cannot be handled here ({}); the drain runs in a shutdown hook instead", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(drain, "patternkit-shutdown-drain"));
        }
    }
}
