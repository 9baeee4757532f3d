package io.patternkit.lifecycle;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.lifecycle.internal.DrainRunner;
import io.patternkit.lifecycle.internal.TermSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The application's side of the single-container management pattern's downward API (Burns and
 * Oppenheimer, HotCloud 2016): it takes a termination notice with a deadline and runs one drain across
 * every pattern handle the application registered, in the fixed order of {@link DrainPhase}.
 *
 * <p>Pattern handles join through their builders ({@code WorkQueueConsumer.Builder.lifecycle},
 * {@code Leadership.Builder.lifecycle}, {@code ScatterLeaf.Builder.lifecycle}); anything else joins with
 * {@link #register} or {@link #closeAtDrain}. A drain begins on SIGTERM (after
 * {@link #drainOnSigterm()}), on the management server's {@code /patternkit/lifecycle/drain} (a
 * Kubernetes {@code preStop} hook), or on {@link #drain(Duration)}; it runs once, and later calls get the
 * first drain's report.
 *
 * <pre>{@code
 * Lifecycle lifecycle = Lifecycle.builder().drainDeadline(Duration.ofSeconds(20)).build().drainOnSigterm();
 * WorkQueueConsumer consumer = WorkQueueConsumer.builder(queue, handler).lifecycle(lifecycle).build();
 * lifecycle.closeAtDrain(DrainPhase.CLOSE_CLIENTS, "work-queue client", client);
 * consumer.start();
 * }</pre>
 *
 * <p>Metrics: timer {@link #DRAIN_STEPS} tagged {@code phase} and {@code outcome}; gauge {@link #READY}
 * (1 ready, 0 draining). Thread-safe.
 */
public final class Lifecycle {
    /** Timer of every drain step, tagged {@code phase} and {@code outcome}. */
    public static final String DRAIN_STEPS = "patternkit.lifecycle.drain.steps";
    /** Gauge: 1 while the application is ready, 0 once a drain has begun. */
    public static final String READY = "patternkit.lifecycle.ready";
    /** The exit status after a drain that SIGTERM began: 128 + 15, as the JVM's own SIGTERM handling. */
    public static final int SIGTERM_EXIT_STATUS = 143;

    private final Duration drainDeadline;
    private final Clock clock;
    private final DrainRunner runner;
    private final List<LifecycleListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<DrainReport> report = new CompletableFuture<>();
    private volatile boolean draining;

    private Lifecycle(Builder b) {
        this.drainDeadline = b.drainDeadline;
        this.clock = b.clock;
        MeterRegistry registry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
        this.runner = new DrainRunner(registry);
        registry.gauge(READY, this, l -> l.isReady() ? 1 : 0);
    }

    /** @return a lifecycle with the defaults of {@link Builder} */
    public static Lifecycle create() {
        return builder().build();
    }

    /** @return a builder with the defaults documented on its methods */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds a step to a phase of the drain. Steps of one phase run at once, each on its own thread.
     *
     * @param phase when it runs; not null
     * @param name what the drain report and logs call it; not blank
     * @param step the action; not null
     * @return the registration; closing it removes the step (a drain already under way is not affected)
     * @throws IllegalStateException when the drain has already begun
     */
    public Registration register(DrainPhase phase, String name, DrainStep step) {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(step, "step");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (draining) {
            throw new IllegalStateException("cannot register '" + name + "': the drain has already begun");
        }
        return runner.add(phase, name.strip(), step);
    }

    /**
     * Closes a resource in a phase of the drain, such as a sidecar client in {@link DrainPhase#CLOSE_CLIENTS}.
     *
     * @param phase when it closes; not null
     * @param name what the drain report calls it; not blank
     * @param resource what to close; not null; what its {@code close()} throws fails the step
     * @return the registration
     * @throws IllegalStateException when the drain has already begun
     */
    public Registration closeAtDrain(DrainPhase phase, String name, AutoCloseable resource) {
        Objects.requireNonNull(resource, "resource");
        return register(phase, name, budget -> {
            try {
                resource.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /**
     * @param listener told of the notice and of the report; not null
     * @return this lifecycle
     */
    public Lifecycle addListener(LifecycleListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Makes SIGTERM (and SIGINT) begin a drain with the {@linkplain Builder#drainDeadline default deadline},
     * after which the JVM exits with status {@value #SIGTERM_EXIT_STATUS}, as it does on SIGTERM by itself. A
     * second SIGTERM during the drain halts the JVM at once, without running shutdown hooks. Where the
     * JVM offers no signal handling ({@code sun.misc.Signal} of the {@code jdk.unsupported} module), the
     * drain runs in a shutdown hook instead, and a second signal cannot cut it short. Call it once.
     *
     * @return this lifecycle
     */
    public Lifecycle drainOnSigterm() {
        TermSignal.install(() -> drain(TerminationNotice.Trigger.SIGNAL, drainDeadline));
        return this;
    }

    /**
     * {@link #drain(TerminationNotice.Trigger, Duration)} with {@link TerminationNotice.Trigger#PROGRAM}.
     *
     * @param deadline how long the drain may take; positive
     * @return the report of the drain (of the first drain when one had begun before)
     */
    public DrainReport drain(Duration deadline) {
        return drain(TerminationNotice.Trigger.PROGRAM, deadline);
    }

    /**
     * Runs the drain on the calling thread and returns when it has ended, at the latest shortly after
     * {@code deadline}: listeners are told, readiness turns false, then each {@link DrainPhase} runs its
     * steps within its share of what is left. Runs once: a call while a drain is under way waits for it
     * and returns its report; a later call returns that report at once.
     *
     * @param trigger what gave the notice; not null
     * @param deadline how long the drain may take; positive
     * @return what each step did
     */
    public DrainReport drain(TerminationNotice.Trigger trigger, Duration deadline) {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, got " + deadline);
        }
        synchronized (this) {
            if (draining) {
                return awaitReport();
            }
            draining = true;
        }
        TerminationNotice notice = new TerminationNotice(trigger, deadline, clock.instant().plus(deadline));
        DrainReport done = runner.run(notice, listeners);
        report.complete(done);
        return done;
    }

    private DrainReport awaitReport() {
        try {
            return report.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the drain", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the drain failed", e.getCause());
        }
    }

    /**
     * Waits for a drain that began elsewhere (a signal, the management server) to end.
     *
     * @param timeout how long to wait; not negative
     * @return the report, or empty when no drain ended within {@code timeout}
     * @throws InterruptedException when interrupted while waiting
     */
    public Optional<DrainReport> awaitDrained(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        try {
            return Optional.of(report.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the drain failed", e.getCause());
        }
    }

    /** @return true once a drain has begun */
    public boolean isDraining() {
        return draining;
    }

    /** @return false once a drain has begun; the management server's readiness adds its checks to this */
    public boolean isReady() {
        return !draining;
    }

    /** @return the report of the drain once it has ended; empty before */
    public Optional<DrainReport> lastReport() {
        return Optional.ofNullable(report.getNow(null));
    }

    /** @return the deadline of a drain that SIGTERM begins, and the default of the management server's */
    public Duration drainDeadline() {
        return drainDeadline;
    }

    /** A registered step; {@link #close()} removes it. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        /** Removes the step from drains that have not begun yet. Idempotent. */
        @Override
        void close();
    }

    /** Builder of {@link Lifecycle}; not thread-safe; setters validate at once. */
    public static final class Builder {
        private Duration drainDeadline = Duration.ofSeconds(25);
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry;

        private Builder() {
        }

        /**
         * @param drainDeadline how long a drain that SIGTERM begins may take, and the default for the
         *     management server's; positive; default 25 s, within Kubernetes' default
         *     {@code terminationGracePeriodSeconds} of 30
         * @return this builder
         */
        public Builder drainDeadline(Duration drainDeadline) {
            Objects.requireNonNull(drainDeadline, "drainDeadline");
            if (drainDeadline.isNegative() || drainDeadline.isZero()) {
                throw new IllegalArgumentException("drainDeadline must be positive, got " + drainDeadline);
            }
            this.drainDeadline = drainDeadline;
            return this;
        }

        /**
         * @param clock the wall clock of {@link TerminationNotice#deadline()}; default UTC system clock
         *     (budgets are measured on {@link System#nanoTime()} whatever the clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param meterRegistry where the drain's metrics go; default a private {@code SimpleMeterRegistry}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /** @return the lifecycle */
        public Lifecycle build() {
            return new Lifecycle(this);
        }
    }
}
