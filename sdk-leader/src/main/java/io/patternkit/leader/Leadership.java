package io.patternkit.leader;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.patternkit.core.SidecarConfig;
import io.patternkit.leader.internal.Arguments;
import io.patternkit.leader.internal.CandidateIds;
import io.patternkit.leader.internal.LeadershipEngine;
import io.patternkit.leader.internal.LeadershipSettings;
import io.patternkit.leader.internal.MonotonicClock;
import io.patternkit.lifecycle.DrainPhase;
import io.patternkit.lifecycle.Lifecycle;
import io.patternkit.protocol.Wire;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The managed leader-election handle for everyday use: it campaigns, renews, watches and tells a
 * {@link LeadershipListener} when this process becomes leader and when it stops, with the term's fencing
 * token. The behaviour of client-go's {@code LeaderElector} and Curator's {@code LeaderLatch}, over the
 * leader-election sidecar.
 *
 * <pre>{@code
 * try (Leadership leadership = Leadership.builder(SidecarConfig.builder()
 *             .fromEnvironment(Wire.ENV_LEADER_URL, Wire.DEFAULT_LEADER_PORT).build())
 *         .election("billing")
 *         .listener(new LeadershipListener() {
 *             public void elected(LeadershipContext ctx) { scheduler.start(ctx); }       // returns at once
 *             public void revoked(LeadershipContext ctx, RevocationReason why) { scheduler.stop(); }
 *         })
 *         .build().start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Behaviour.</b> While not leader, the handle campaigns in a loop with long-poll waits
 * ({@link Builder#campaignWait}), and a separate watch reports each new leader to
 * {@link LeadershipListener#leaderObserved} as soon as the sidecar knows it. While leader, it renews every
 * retry period (from the lease), keeps a release-on-disconnect watch open at all times (re-polled at once,
 * so that the sidecar releases the lease the moment this process dies), and computes the local renew
 * deadline as the clock's time when the request that produced the lease was <em>sent</em>, plus the lease's
 * {@code validFor}. It stops being leader, and fires {@code revoked}, at that deadline if no renew succeeded
 * (before the engine's lease can expire), at once on a 409 {@code lease-lost}, and at once when a watch shows
 * another holder, another term or a vacancy; then it campaigns again. After stepping down at the deadline it
 * resigns the old lease (best effort) before campaigning, so a re-election starts a new term.
 *
 * <p><b>Exactness.</b> {@link #isLeader()} compares the clock with the renew deadline on every call: it turns
 * false at the deadline even if no Patternkit thread has run since, so it may be false before
 * {@code revoked} is delivered. No local check protects a process that is paused after checking: stamp
 * {@link #fencingToken()} on every downstream write (see {@link LeadershipListener}).
 *
 * <p><b>Lifecycle.</b> {@link #start()} once, then {@link #close()} once (try-with-resources): close steps
 * down ({@code revoked(ctx, CLOSED)}), resigns so a successor takes over at once, delivers the remaining
 * events and closes the client if the handle made it. Thread-safe; every query method is non-blocking
 * except {@link #awaitLeadership(Duration)}.
 */
public final class Leadership implements AutoCloseable {
    private final LeadershipEngine engine;
    /** What {@link Builder#lifecycle} registered; removed once the application closes the handle. */
    private volatile Lifecycle.Registration lifecycleRegistration = () -> { };

    private Leadership(LeadershipEngine engine) {
        this.engine = engine;
    }

    /**
     * A builder of a handle that uses an existing {@link LeaderElection} (a shared
     * {@link LeaderElectionClient}, or a fake in tests), which it does not close.
     *
     * @param election the operations; not null
     * @return a builder with the defaults documented on its methods
     */
    public static Builder builder(LeaderElection election) {
        return new Builder(Objects.requireNonNull(election, "election"), null);
    }

    /**
     * A builder of a handle that makes (and on close, closes) its own {@link LeaderElectionClient}.
     *
     * @param config the sidecar's configuration, such as
     *     {@code SidecarConfig.builder().fromEnvironment(Wire.ENV_LEADER_URL, Wire.DEFAULT_LEADER_PORT).build()};
     *     not null
     * @return a builder with the defaults documented on its methods
     */
    public static Builder builder(SidecarConfig config) {
        return new Builder(null, Objects.requireNonNull(config, "config"));
    }

    /**
     * Starts campaigning and watching; returns at once.
     *
     * @return this handle
     * @throws IllegalStateException when already started or closed
     */
    public Leadership start() {
        engine.start();
        return this;
    }

    /** @return the election's name */
    public String election() {
        return engine.election();
    }

    /** @return this candidate's id */
    public String candidateId() {
        return engine.candidateId();
    }

    /**
     * Exact and cheap, never blocks: true while this handle holds a term and the local renew deadline has not
     * passed, read from the clock on every call.
     *
     * @return whether this process is leader now
     */
    public boolean isLeader() {
        return engine.isLeader();
    }

    /** @return the current term's context while leader (as {@link #isLeader()}), else empty */
    public Optional<LeadershipContext> currentContext() {
        return engine.current();
    }

    /** @return the lease as last renewed while leader (as {@link #isLeader()}), else empty */
    public Optional<Lease> currentLease() {
        return engine.current().map(LeadershipContext::lease);
    }

    /** @return the current term's fencing token while leader (as {@link #isLeader()}), else empty */
    public OptionalLong fencingToken() {
        return engine.current().map(c -> OptionalLong.of(c.fencingToken())).orElse(OptionalLong.empty());
    }

    /** @return the last distinct leader and term this handle observed, or empty before the first answer */
    public Optional<LeaderObservation> lastObserved() {
        return engine.lastObserved();
    }

    /**
     * Blocks until this handle is leader, the timeout passes, or it is closed.
     *
     * @param timeout how long to wait, in real time (not the handle's clock); not negative
     * @return the term's context, or empty when not leader within the timeout
     * @throws InterruptedException when the calling thread is interrupted
     */
    public Optional<LeadershipContext> awaitLeadership(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        return engine.awaitLeadership(timeout);
    }

    /**
     * Steps down if leader ({@code revoked(ctx, CLOSED)}, {@link #isLeader()} false at once), resigns so that a
     * successor is elected without waiting for expiry, stops campaigning and watching, delivers the remaining
     * events (waiting up to 10 s for a running callback, unless called from one) and closes the client if the
     * handle made it. A handle built with a {@link Builder#lifecycle lifecycle} then leaves it (its drain step and
     * info go). Never throws; idempotent.
     */
    @Override
    public void close() {
        engine.close();
        lifecycleRegistration.close();
    }

    @Override
    public String toString() {
        return "Leadership[" + election() + ", " + candidateId() + (isLeader() ? ", leader" : "") + "]";
    }

    private Map<String, Object> info() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("election", election());
        doc.put("candidateId", candidateId());
        doc.put("leader", isLeader());
        fencingToken().ifPresent(token -> doc.put("fencingToken", token));
        lastObserved().ifPresent(seen -> {
            doc.put("observedLeader", seen.leader().orElse(""));
            doc.put("observedTerm", seen.term());
        });
        return doc;
    }

    /**
     * Builder of {@link Leadership}, in the manner of Caffeine's: every setting validated at once, one
     * immutable configuration on {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private final LeaderElection source;
        private final SidecarConfig config;
        private String election;
        private String candidateId;
        private LeadershipListener listener = new LeadershipListener() {
        };
        private Clock clock;
        private MeterRegistry meterRegistry;
        private Duration campaignWait = Duration.ofSeconds(20);
        private Duration watchWait = Duration.ofSeconds(20);
        private Duration backoffMin = Duration.ofMillis(100);
        private Duration backoffMax = Duration.ofSeconds(2);
        private Lifecycle lifecycle;

        private Builder(LeaderElection source, SidecarConfig config) {
            this.source = source;
            this.config = config;
        }

        /**
         * @param election the election's name (required): a DNS-1123 label of at most 63 characters
         * @return this builder
         * @throws IllegalArgumentException when the name is not allowed
         */
        public Builder election(String election) {
            this.election = Arguments.election(election);
            return this;
        }

        /**
         * @param candidateId this process's identity, unique among the election's candidates; default
         *     {@code <pid>@<host>} with the host from {@code HOSTNAME} (the pod name on Kubernetes)
         * @return this builder
         * @throws IllegalArgumentException when the id is not 1 to 253 of {@code A-Za-z0-9._:@-}
         */
        public Builder candidateId(String candidateId) {
            this.candidateId = Arguments.candidateId(candidateId);
            return this;
        }

        /**
         * @param listener the callbacks (see {@link LeadershipListener} for the threading contract); default none
         * @return this builder
         */
        public Builder listener(LeadershipListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param clock the clock of renew times, the renew deadline and backoffs; it must never go backwards.
         *     Default: a monotonic clock on {@link System#nanoTime()} (not {@link Clock#systemUTC()}, whose
         *     steps would move the deadline). Tests pass a {@code ManualClock} of {@code patternkit-sdk-testing},
         *     which wakes the handle on every advance.
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param meterRegistry where the handle's meters ({@link LeaderMetrics}) go; default the client's
         *     registry when built from a {@link LeaderElectionClient} or a {@link SidecarConfig}, else a private
         *     {@code SimpleMeterRegistry}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * @param campaignWait the long-poll wait of each campaign while not leader, 1 ms to 20 s; default 20 s.
         *     The sidecar answers at once when the lease is released, so a shorter wait only costs calls. The
         *     handle waits at most a quarter of the observed lease duration (at least 100 ms) whatever this
         *     says, and 100 ms until it has observed a lease duration (the first campaign of a new handle):
         *     a campaign won at the end of a shorter wait is announced at once, timed from its send, instead
         *     of after a confirming renew (one round trip off every failover).
         * @return this builder
         */
        public Builder campaignWait(Duration campaignWait) {
            this.campaignWait = longPoll(campaignWait, "campaignWait");
            return this;
        }

        /**
         * @param watchWait the long-poll wait of each watch (the follower's, and the leader's
         *     release-on-disconnect watch), 1 ms to 20 s; default 20 s
         * @return this builder
         */
        public Builder watchWait(Duration watchWait) {
            this.watchWait = longPoll(watchWait, "watchWait");
            return this;
        }

        /**
         * @param first the delay after a failed campaign or watch, positive; default 100 ms
         * @param max the longest such delay (the delay doubles per failure up to it), at least {@code first};
         *     default 2 s. Failed renews are retried every retry period instead, until the renew deadline.
         * @return this builder
         */
        public Builder errorBackoff(Duration first, Duration max) {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(max, "max");
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("errorBackoff needs 0 < first <= max, got " + first + " and " + max);
            }
            this.backoffMin = first;
            this.backoffMax = max;
            return this;
        }

        /**
         * Joins the application's drain: the handle is {@linkplain Leadership#close() closed} in
         * {@link DrainPhase#RESIGN_LEADERSHIP}, after consumers have finished and state has been checkpointed,
         * so that a successor is elected at once rather than after the lease runs out.
         *
         * @param lifecycle the application's lifecycle; default none (close the handle yourself)
         * @return this builder
         */
        public Builder lifecycle(Lifecycle lifecycle) {
            this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
            return this;
        }

        /**
         * @return the handle, not yet started; registered with the {@link #lifecycle lifecycle} if one was given
         * @throws IllegalStateException when no election was set, or the lifecycle's drain has already begun
         */
        public Leadership build() {
            Leadership leadership = create();
            if (lifecycle != null) {
                String name = "leadership of " + election;
                try {
                    leadership.lifecycleRegistration = Lifecycle.Registration.of(
                            lifecycle.register(DrainPhase.RESIGN_LEADERSHIP, name, budget -> leadership.engine.close()),
                            lifecycle.registerInfo(name, leadership::info));
                } catch (RuntimeException e) { // a drain has begun: nobody could close a handle that is not returned
                    leadership.close();
                    throw e;
                }
            }
            return leadership;
        }

        private Leadership create() {
            if (election == null) {
                throw new IllegalStateException("election is required: call election(name)");
            }
            MeterRegistry registry = meterRegistry != null ? meterRegistry
                    : config != null ? config.meterRegistry()
                    : source instanceof LeaderElectionClient c ? c.config().meterRegistry() : new SimpleMeterRegistry();
            LeadershipSettings settings = new LeadershipSettings(election,
                    candidateId != null ? candidateId : CandidateIds.defaultId(System::getenv),
                    clock != null ? clock : new MonotonicClock(), listener, registry, campaignWait, watchWait,
                    backoffMin, backoffMax);
            if (source != null) {
                return new Leadership(new LeadershipEngine(source, null, settings));
            }
            LeaderElectionClient client = LeaderElectionClient.create(config);
            return new Leadership(new LeadershipEngine(client, client, settings));
        }

        private static Duration longPoll(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.toMillis() < 1 || d.toMillis() > Wire.MAX_WAIT_MS) {
                throw new IllegalArgumentException(what + " must be 1ms..20s, got " + d);
            }
            return d;
        }
    }
}
