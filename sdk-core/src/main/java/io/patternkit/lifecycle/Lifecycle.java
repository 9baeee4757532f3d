package io.patternkit.lifecycle;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.core.SidecarClient;
import io.patternkit.core.internal.Waits;
import io.patternkit.lifecycle.internal.DrainRunner;
import io.patternkit.lifecycle.internal.HealthRegistry;
import io.patternkit.lifecycle.internal.InfoRegistry;
import io.patternkit.lifecycle.internal.TermSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

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
 * <p>It also holds what the upward API reports about the application: {@linkplain #registerHealthCheck health
 * checks} by {@link HealthProbe} (readiness has the built-in check {@code drain}, down once a drain has begun) and
 * {@linkplain #registerInfo info contributions}; the management server's {@code LifecycleEndpoints} serves them.
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
    /**
     * The longest drain deadline: a day, far beyond any {@code terminationGracePeriodSeconds} in use, and small enough
     * that the deadline's instant and nanoseconds cannot overflow.
     */
    public static final Duration MAX_DRAIN_DEADLINE = Duration.ofDays(1);

    private final Duration drainDeadline;
    private final Clock clock;
    private final DrainRunner runner;
    private final List<LifecycleListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<DrainReport> report = new CompletableFuture<>();
    private final HealthRegistry health;
    private final InfoRegistry info = new InfoRegistry();
    private volatile boolean draining;

    private Lifecycle(Builder b) {
        this.drainDeadline = b.drainDeadline;
        this.clock = b.clock;
        MeterRegistry registry = b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry();
        this.runner = new DrainRunner(registry);
        this.health = new HealthRegistry(b.healthCheckTimeout);
        health.add(HealthProbe.READINESS, "drain",
                () -> draining ? HealthCheckResult.unhealthy("draining") : HealthCheckResult.healthy());
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
        Objects.requireNonNull(step, "step");
        String stepName = nonBlank(name);
        if (draining) {
            throw new IllegalStateException("cannot register '" + stepName + "': the drain has already begun");
        }
        return runner.add(phase, stepName, step);
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
     * Puts a sidecar client under the lifecycle: readiness gets the check {@code sidecar of <name>}
     * ({@link HealthCheck#sidecar}: the app is not ready while its sidecar is not), and the drain closes the
     * client in {@link DrainPhase#CLOSE_CLIENTS}, after everything that still calls through it.
     *
     * @param name what the check and the drain report call it, such as {@code work-queue}; not blank
     * @param client a pattern's client ({@code WorkQueueClient}, {@code LeaderElectionClient}); not null
     * @param <C> the client's type
     * @return the registration; closing it removes the check and the step
     * @throws IllegalStateException when the drain has already begun
     */
    @SuppressWarnings("try") // C is AutoCloseable only so that the drain can close it; no try-with-resources here
    public <C extends SidecarClient & AutoCloseable> Registration registerClient(String name, C client) {
        Objects.requireNonNull(client, "client");
        String clientName = nonBlank(name);
        Registration check = registerHealthCheck(HealthProbe.READINESS, "sidecar of " + clientName,
                HealthCheck.sidecar(client));
        Registration close;
        try {
            close = closeAtDrain(DrainPhase.CLOSE_CLIENTS, clientName + " client", client);
        } catch (RuntimeException e) {
            check.close();
            throw e;
        }
        return Registration.of(check, close);
    }

    /**
     * Adds a check to a probe of the upward API ({@code /patternkit/health/live}, {@code /ready}, {@code
     * /started}). A probe is up when every one of its checks is; see {@link HealthProbe} for what belongs to
     * which, and {@link HealthCheck} for how checks are called.
     *
     * @param probe the probe; not null
     * @param name the name the probe's body gives the check; not blank; a name the probe already has gets the
     *     suffix {@code " (2)"} (or the next free number), so two handles of one kind both show
     * @param check the check; not null
     * @return the registration; closing it removes the check
     */
    public Registration registerHealthCheck(HealthProbe probe, String name, HealthCheck check) {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(check, "check");
        return health.add(probe, nonBlank(name), check);
    }

    /**
     * Runs a probe's checks at once and waits for them, at most the {@linkplain Builder#healthCheckTimeout
     * timeout}. Once the startup probe has passed, it answers that first passing report without running its
     * checks again.
     *
     * @param probe the probe; not null
     * @return every check's result, up when all passed
     */
    public HealthReport health(HealthProbe probe) {
        return health.evaluate(Objects.requireNonNull(probe, "probe"));
    }

    /**
     * Adds what {@code /patternkit/info} says about one part of the application, read each time it is asked:
     * pattern handles contribute their state this way (a consumer its counts, a leadership its term), the
     * application its own (a version, a build). The value is written as JSON with Jackson (records, maps,
     * lists, strings and numbers); it is behind the management server's token, but keep payloads and secrets
     * out of it all the same.
     *
     * @param name its key in the info document; not blank; a key already taken gets the suffix {@code " (2)"}
     *     (or the next free number)
     * @param info the supplier of its current value; not null; a value of null is written as null, an
     *     exception as {@code {"error": "<class>"}}
     * @return the registration; closing it removes the contribution
     */
    public Registration registerInfo(String name, Supplier<?> info) {
        Objects.requireNonNull(info, "info");
        return this.info.add(nonBlank(name), info);
    }

    /** @return every info contribution's current value by name, in registration order */
    public Map<String, Object> info() {
        return info.snapshot();
    }

    private static String nonBlank(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return name.strip();
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
     * @param deadline how long the drain may take; positive, at most {@link #MAX_DRAIN_DEADLINE}
     * @return what each step did
     * @throws IllegalArgumentException when {@code deadline} is not positive or longer than {@link #MAX_DRAIN_DEADLINE}
     * @throws IllegalStateException to a caller that waited for another caller's drain, when that drain failed (a JVM
     *     error on its thread, which that thread gets as is); every later call gets the same
     */
    public DrainReport drain(TerminationNotice.Trigger trigger, Duration deadline) {
        Objects.requireNonNull(trigger, "trigger");
        checkDrainDeadline("deadline", deadline);
        synchronized (this) {
            if (draining) {
                return awaitReport();
            }
            draining = true;
        }
        try {
            TerminationNotice notice = new TerminationNotice(trigger, deadline, clock.instant().plus(deadline));
            DrainReport done = runner.run(notice, listeners);
            report.complete(done);
            return done;
        } catch (RuntimeException | Error e) { // the callers waiting in awaitReport() must not wait for ever
            report.completeExceptionally(e);
            throw e;
        }
    }

    /** @throws IllegalArgumentException when the deadline is not positive or longer than {@link #MAX_DRAIN_DEADLINE} */
    private static void checkDrainDeadline(String name, Duration deadline) {
        Objects.requireNonNull(deadline, name);
        if (deadline.isNegative() || deadline.isZero() || deadline.compareTo(MAX_DRAIN_DEADLINE) > 0) {
            throw new IllegalArgumentException(name + " must be positive and at most " + MAX_DRAIN_DEADLINE + ", got "
                    + deadline);
        }
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
            return Optional.of(report.get(Waits.nanos(timeout), TimeUnit.NANOSECONDS));
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

    /** @return false once a drain has begun; {@link #health health(READINESS)} adds the other readiness checks to this */
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

    /** A registered step, health check or info contribution; {@link #close()} removes it. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        /** Removes what was registered (a step only from drains that have not begun yet). Idempotent. */
        @Override
        void close();

        /**
         * @param registrations registrations to close together; not null
         * @return one registration whose {@link #close()} closes each of them, in order
         */
        static Registration of(Registration... registrations) {
            List<Registration> all = List.of(registrations);
            return () -> all.forEach(Registration::close);
        }
    }

    /** Builder of {@link Lifecycle}; not thread-safe; setters validate at once. */
    public static final class Builder {
        private Duration drainDeadline = Duration.ofSeconds(25);
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry;
        private Duration healthCheckTimeout = Duration.ofMillis(800);

        private Builder() {
        }

        /**
         * @param healthCheckTimeout how long one probe waits for its checks, run at once; a check without an
         *     answer by then counts as down; positive; default 800 ms, under Kubernetes' default probe
         *     {@code timeoutSeconds} of 1
         * @return this builder
         */
        public Builder healthCheckTimeout(Duration healthCheckTimeout) {
            Objects.requireNonNull(healthCheckTimeout, "healthCheckTimeout");
            if (healthCheckTimeout.isNegative() || healthCheckTimeout.isZero()) {
                throw new IllegalArgumentException("healthCheckTimeout must be positive, got " + healthCheckTimeout);
            }
            this.healthCheckTimeout = healthCheckTimeout;
            return this;
        }

        /**
         * @param drainDeadline how long a drain that SIGTERM begins may take, and the default for the
         *     management server's; positive, at most {@link #MAX_DRAIN_DEADLINE}; default 25 s, within Kubernetes'
         *     default {@code terminationGracePeriodSeconds} of 30
         * @return this builder
         * @throws IllegalArgumentException when {@code drainDeadline} is not positive or longer than a day
         */
        public Builder drainDeadline(Duration drainDeadline) {
            checkDrainDeadline("drainDeadline", drainDeadline);
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
