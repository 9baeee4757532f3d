package io.patternkit.spring.lifecycle;

import io.patternkit.lifecycle.DrainReport;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.lifecycle.TerminationNotice;
import io.patternkit.spring.NoRestart;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link Lifecycle}'s one drain when the application context stops: Spring Boot's shutdown hook turns
 * SIGTERM into a context close, and the close stops this bean first (its phase, {@link #PHASE}, is above every
 * other Patternkit bean's and above the web server's graceful shutdown), so consumers stop claiming and finish or
 * release their items, state is checkpointed, leadership resigned and pools left, in the lifecycle's documented
 * order, while the rest of the application (data sources, web server) still works.
 *
 * <p>The drain runs on its own thread and Spring waits for it up to {@code spring.lifecycle.timeout-per-shutdown-phase}
 * (30 s by default); the drain's deadline is set below that so that it ends by itself. A drain that already ran
 * (a {@code preStop} hook through the management server, or the application's own call) is not run twice.
 */
public final class DrainOnShutdown implements SmartLifecycle {
    /** The phase of this bean: stopped before the listener containers and leadership runners (phase {@code - 100}). */
    public static final int PHASE = Integer.MAX_VALUE - 100;
    private static final Logger log = LoggerFactory.getLogger(DrainOnShutdown.class);

    private final Lifecycle lifecycle;
    private final Duration deadline;
    private volatile boolean running;
    private volatile boolean drained;

    /**
     * @param lifecycle the application's lifecycle; not null
     * @param deadline how long the whole drain may take; positive
     */
    public DrainOnShutdown(Lifecycle lifecycle, Duration deadline) {
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
    }

    /** @return the drain's deadline */
    public Duration deadline() {
        return deadline;
    }

    /** @throws IllegalStateException when the context stopped before: the lifecycle's one drain has run */
    @Override
    public void start() {
        if (drained) {
            throw NoRestart.refused("The Patternkit lifecycle");
        }
        running = true;
    }

    /** Drains on the calling thread; Spring calls {@link #stop(Runnable)} instead. */
    @Override
    public void stop() {
        drained = true;
        drain();
    }

    @Override
    public void stop(Runnable callback) {
        drained = true; // before the thread: a start() that comes at once is refused too
        Thread thread = new Thread(() -> {
            try {
                drain();
            } finally {
                callback.run();
            }
        }, "patternkit-drain");
        thread.setDaemon(false);
        thread.start();
    }

    private void drain() {
        try {
            DrainReport report = lifecycle.drain(TerminationNotice.Trigger.PROGRAM, deadline);
            log.info("Patternkit drain on context shutdown took {} ms: {} steps, {}", report.took().toMillis(),
                    report.steps().size(), report.clean() ? "all completed" : "not all completed in time");
        } catch (RuntimeException e) {
            log.warn("Patternkit drain on context shutdown failed", e);
        } finally {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
