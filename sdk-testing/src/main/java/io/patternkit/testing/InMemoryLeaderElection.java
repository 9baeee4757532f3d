package io.patternkit.testing;

import io.patternkit.core.AdvanceableClock;

import io.patternkit.core.internal.DaemonThreads;

import io.patternkit.core.ConflictException;
import io.patternkit.core.SidecarUnavailableException;
import io.patternkit.leader.CampaignResult;
import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.LeaderObservation;
import io.patternkit.leader.Lease;
import io.patternkit.leader.LeaseLostException;
import io.patternkit.leader.internal.Arguments;
import io.patternkit.protocol.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A faithful in-memory {@link LeaderElection} for unit tests that should not start a sidecar: the semantics
 * of the leader-election sidecar, held in this JVM, with time read from an injectable {@link Clock} (use a
 * {@link ManualClock} to test renew deadlines and expiry without waiting).
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * InMemoryLeaderElection elections = InMemoryLeaderElection.builder().clock(clock).build();
 * try (Leadership a = Leadership.builder(elections).election("jobs").candidateId("a").clock(clock).build().start()) {
 *     assertThat(a.awaitLeadership(Duration.ofSeconds(5))).isPresent();
 *     clock.advance(Duration.ofSeconds(2));                  // a renews at its retry period
 * }
 * }</pre>
 *
 * <p>Semantics, as the sidecar's (client-go's timings, Kleppmann's fencing tokens):
 * <ul>
 *   <li>A campaign on a vacant or expired election acquires it in a new term; term and fencing token rise by
 *       one per acquisition, so tokens strictly increase. A campaign by the holder before its renew deadline
 *       is a renew (same term). Otherwise the campaign waits up to {@code wait}, woken at once by a release
 *       or an expiry, and answers not elected with the current leader.</li>
 *   <li>The lease expires {@code leaseDuration} after the last renew (others may then acquire it). The
 *       holder's validity ({@code validFor}) ends earlier, at {@code renewDeadline} after the last renew; from
 *       then on its renews fail with {@link LeaseLostException}, as the sidecar counts the lease as lost
 *       from the renew deadline on, and its campaigns wait for the expiry and start a new term.</li>
 *   <li>Renew and resign need the holder's candidate id and term, else {@link LeaseLostException} (a 409
 *       {@code lease-lost}). Resign releases at once and wakes waiting campaigns and watches; resigning a
 *       term that ended without a successor answers false.</li>
 *   <li>A watch answers as soon as (term, leader) differs from the caller's, or after {@code wait} with
 *       {@code changed} false. {@link #watchAsLeader} registers the holder's release-on-disconnect watch:
 *       {@link #disconnect(String)} simulates the holder's death (its kernel closing the connection) and
 *       releases every lease the candidate holds with such a watch open, as the sidecar does.</li>
 *   <li>Arguments outside the wire's limits fail with {@link IllegalArgumentException}, exactly as the HTTP
 *       client.</li>
 * </ul>
 *
 * <p><b>Time.</b> Lease timings and every duration reported are read from the configured clock (millisecond
 * precision, as the sidecar). The {@code wait} of campaigns and watches is <em>real</em> time, as for
 * {@link InMemoryWorkQueue}: the call blocks up to {@code wait} and returns as soon as its answer is ready,
 * after a release, an acquisition, an advance of the {@link ManualClock}, or (on a clock that moves by itself)
 * an expiry. An interrupted wait answers at once (not elected, unchanged) with the interrupt flag set.
 *
 * <p>Thread-safe: one lock for all elections of this instance.
 */
public final class InMemoryLeaderElection implements LeaderElection {
    /** Default lease duration: client-go's {@code LeaseDuration} default. */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
    /** Default renew deadline: client-go's {@code RenewDeadline} default. */
    public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
    /** Default retry period: client-go's {@code RetryPeriod} default. */
    public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);

    private static final ExecutorService ASYNC = Executors.newCachedThreadPool(DaemonThreads.numbered("in-memory-leader-election-"));

    private final Clock clock;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Duration retryPeriod;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final Map<String, State> elections = new HashMap<>();
    /** Open release-on-disconnect watches. Guarded by {@link #lock}. */
    private final List<HolderWatch> holderWatches = new ArrayList<>();
    /** Held strongly so that the {@link ManualClock}'s weak reference lives as long as this fake. */
    private final Runnable wakeOnAdvance = this::wake;

    private InMemoryLeaderElection(Builder b) {
        this.clock = b.clock;
        this.leaseDuration = b.leaseDuration;
        this.renewDeadline = b.renewDeadline;
        this.retryPeriod = b.retryPeriod;
        if (clock instanceof AdvanceableClock advanceable) {
            advanceable.onAdvance(wakeOnAdvance);
        }
    }

    /** @return a builder with client-go's default timings on the system clock */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the lease duration of every election of this fake */
    public Duration leaseDuration() {
        return leaseDuration;
    }

    /** @return the renew deadline of every election of this fake */
    public Duration renewDeadline() {
        return renewDeadline;
    }

    /** @return the retry period of every election of this fake */
    public Duration retryPeriod() {
        return retryPeriod;
    }

    @Override
    public CampaignResult becomeLeader(String election, String candidateId, Duration wait) {
        Arguments.election(election);
        Arguments.candidateId(candidateId);
        Arguments.waitMs(wait);
        return waitFor(wait, () -> {
            State s = state(election);
            Instant now = clock.instant();
            if (candidateId.equals(s.holder) && now.isBefore(s.renewedAt.plus(renewDeadline))) {
                s.renewedAt = now;
                return new CampaignResult(true, Optional.of(lease(election, s, now)), observe(election, s, now, true));
            }
            if (!live(s, now)) {
                s.term++;
                s.fencingToken++;
                s.holder = candidateId;
                s.renewedAt = now;
                s.acquiredAt = now;
                changed.signalAll();
                return new CampaignResult(true, Optional.of(lease(election, s, now)), observe(election, s, now, true));
            }
            return null;
        }, () -> new CampaignResult(false, Optional.empty(), observe(election, state(election), clock.instant(), true)));
    }

    @Override
    public CompletableFuture<CampaignResult> becomeLeaderAsync(String election, String candidateId, Duration wait) {
        Arguments.election(election);
        Arguments.candidateId(candidateId);
        Arguments.waitMs(wait);
        return CompletableFuture.supplyAsync(() -> becomeLeader(election, candidateId, wait), ASYNC);
    }

    @Override
    public Lease renewLeadership(Lease lease) {
        Arguments.lease(lease);
        lock.lock();
        try {
            State s = state(lease.election());
            Instant now = clock.instant();
            if (!lease.candidateId().equals(s.holder) || s.term != lease.term()) {
                throw lost("renewLeadership", lease, "another candidate or term holds the election");
            }
            if (!now.isBefore(s.renewedAt.plus(renewDeadline))) {
                throw lost("renewLeadership", lease, "the renew deadline passed");
            }
            s.renewedAt = now;
            return lease(lease.election(), s, now);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Lease> renewLeadershipAsync(Lease lease) {
        Arguments.lease(lease);
        return CompletableFuture.supplyAsync(() -> renewLeadership(lease), ASYNC);
    }

    @Override
    public boolean resign(Lease lease) {
        Arguments.lease(lease);
        lock.lock();
        try {
            State s = state(lease.election());
            if (s.term != lease.term() || (s.holder != null && !s.holder.equals(lease.candidateId()))) {
                throw lost("resign", lease, "another candidate or term holds the election");
            }
            boolean wasLive = s.holder != null && live(s, clock.instant());
            s.holder = null;
            changed.signalAll();
            return wasLive;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Boolean> resignAsync(Lease lease) {
        Arguments.lease(lease);
        return CompletableFuture.supplyAsync(() -> resign(lease), ASYNC);
    }

    @Override
    public LeaderObservation currentLeader(String election) {
        Arguments.election(election);
        lock.lock();
        try {
            return observe(election, state(election), clock.instant(), true);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<LeaderObservation> currentLeaderAsync(String election) {
        Arguments.election(election);
        return CompletableFuture.supplyAsync(() -> currentLeader(election), ASYNC);
    }

    @Override
    public LeaderObservation watch(String election, LeaderObservation lastSeen, Duration wait) {
        Arguments.election(election);
        Arguments.waitMs(wait);
        long term = lastSeen == null ? 0 : lastSeen.term();
        Optional<String> leader = lastSeen == null ? Optional.empty() : lastSeen.leader();
        return watch(election, term, leader, wait, null);
    }

    @Override
    public CompletableFuture<LeaderObservation> watchAsync(String election, LeaderObservation lastSeen,
            Duration wait) {
        Arguments.election(election);
        Arguments.waitMs(wait);
        return CompletableFuture.supplyAsync(() -> watch(election, lastSeen, wait), ASYNC);
    }

    @Override
    public LeaderObservation watchAsLeader(Lease lease, Duration wait) {
        Arguments.lease(lease);
        Arguments.waitMs(wait);
        HolderWatch w = new HolderWatch(lease.election(), lease.candidateId(), lease.term());
        lock.lock();
        try {
            holderWatches.add(w);
        } finally {
            lock.unlock();
        }
        try {
            return watch(lease.election(), lease.term(), Optional.of(lease.candidateId()), wait, w);
        } finally {
            lock.lock();
            try {
                holderWatches.remove(w);
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Simulates the death of a candidate's process, whose kernel closes its connections: every
     * {@link #watchAsLeader release-on-disconnect watch} the candidate has open fails with
     * {@link SidecarUnavailableException}, and every lease it holds in the watched term is released at once
     * (waiting campaigns and watches are woken). A lease without such a watch open stays until it expires,
     * as on the sidecar.
     *
     * @param candidateId the candidate; not null
     * @return how many leases were released
     */
    public int disconnect(String candidateId) {
        Objects.requireNonNull(candidateId, "candidateId");
        lock.lock();
        try {
            int released = 0;
            Instant now = clock.instant();
            for (HolderWatch w : holderWatches) {
                if (!w.candidateId.equals(candidateId)) {
                    continue;
                }
                w.disconnected = true;
                State s = state(w.election);
                if (candidateId.equals(s.holder) && s.term == w.term && live(s, now)) {
                    s.holder = null;
                    released++;
                }
            }
            changed.signalAll();
            return released;
        } finally {
            lock.unlock();
        }
    }

    /** @return a description of every election's holder and term, for test failure messages */
    @Override
    public String toString() {
        lock.lock();
        try {
            StringBuilder b = new StringBuilder("InMemoryLeaderElection[");
            elections.forEach((name, s) -> b.append(name).append(": ").append(s.holder).append(" term ")
                    .append(s.term).append("; "));
            return b.append(clock.instant()).append(']').toString();
        } finally {
            lock.unlock();
        }
    }

    // ---- internals ----

    private LeaderObservation watch(String election, long term, Optional<String> leader, Duration wait,
            HolderWatch holder) {
        Supplier<LeaderObservation> changedNow = () -> {
            if (holder != null && holder.disconnected) {
                throw new SidecarUnavailableException("watch: the connection was closed (InMemoryLeaderElection"
                        + ".disconnect simulated the death of " + holder.candidateId + ")", 0, null, null, null);
            }
            State s = state(election);
            Instant now = clock.instant();
            LeaderObservation o = observe(election, s, now, true);
            return o.term() != term || !o.leader().equals(leader) ? o : null;
        };
        return waitFor(wait, changedNow, () -> {
            State s = state(election);
            return observe(election, s, clock.instant(), false);
        });
    }

    /** Under the lock, polls {@code ready} until it answers, woken by changes, advances and expiries. */
    private <T> T waitFor(Duration wait, Supplier<T> ready, Supplier<T> timedOut) {
        long end = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (true) {
                T answer = ready.get();
                if (answer != null) {
                    return answer;
                }
                long left = end - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return timedOut.get();
                }
                long park = Math.min(left, untilNextExpiryNanos());
                try {
                    changed.awaitNanos(Math.max(park, 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return timedOut.get();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the clock time until the next lease of this fake can expire, as nanoseconds (for real clocks) */
    private long untilNextExpiryNanos() {
        Instant now = clock.instant();
        long min = Long.MAX_VALUE;
        for (State s : elections.values()) {
            if (s.holder != null) {
                for (Instant t : new Instant[] {s.renewedAt.plus(renewDeadline), s.renewedAt.plus(leaseDuration)}) {
                    if (t.isAfter(now)) {
                        min = Math.min(min, Duration.between(now, t).toNanos());
                    }
                }
            }
        }
        return min;
    }

    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private State state(String election) {
        return elections.computeIfAbsent(election, e -> new State());
    }

    private boolean live(State s, Instant now) {
        return s.holder != null && now.isBefore(s.renewedAt.plus(leaseDuration));
    }

    private Lease lease(String election, State s, Instant now) {
        Duration valid = millis(Duration.between(now, s.renewedAt.plus(renewDeadline)));
        return new Lease(election, s.holder, s.term, s.fencingToken, valid, leaseDuration, renewDeadline, retryPeriod,
                s.acquiredAt);
    }

    private LeaderObservation observe(String election, State s, Instant now, boolean changedFlag) {
        boolean live = live(s, now);
        return new LeaderObservation(election, live ? Optional.of(s.holder) : Optional.empty(), s.term,
                s.fencingToken, live ? millis(Duration.between(now, s.renewedAt.plus(leaseDuration))) : Duration.ZERO,
                leaseDuration, changedFlag);
    }

    private static Duration millis(Duration d) {
        return d.isNegative() ? Duration.ZERO : Duration.ofMillis(d.toMillis());
    }

    private static LeaseLostException lost(String operation, Lease lease, String why) {
        return new LeaseLostException(operation, new ConflictException("conflict (409): " + lease.candidateId()
                + " does not hold election " + lease.election() + " in term " + lease.term() + ": " + why,
                ProblemType.LEASE_LOST.uri(), null));
    }

    /** One election. */
    private static final class State {
        String holder;
        long term;
        long fencingToken;
        Instant renewedAt = Instant.EPOCH;
        Instant acquiredAt = Instant.EPOCH;
    }

    /** One open release-on-disconnect watch. */
    private static final class HolderWatch {
        final String election;
        final String candidateId;
        final long term;
        boolean disconnected;

        HolderWatch(String election, String candidateId, long term) {
            this.election = election;
            this.candidateId = candidateId;
            this.term = term;
        }
    }

    /** Builder of {@link InMemoryLeaderElection}; not thread-safe. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Duration renewDeadline = DEFAULT_RENEW_DEADLINE;
        private Duration retryPeriod = DEFAULT_RETRY_PERIOD;

        private Builder() {
        }

        /**
         * @param clock where lease time is read; a {@link ManualClock} in tests; default {@link Clock#systemUTC()}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the timings of every election, as the sidecar's {@code --lease-duration}, {@code --renew-deadline}
         * and {@code --retry-period}.
         *
         * @param leaseDuration how long after the last renew others may take over; positive
         * @param renewDeadline how long after the last renew the holder stays valid; positive, below the lease
         *     duration
         * @param retryPeriod how often holders renew; positive, below the renew deadline
         * @return this builder
         * @throws IllegalArgumentException unless {@code 0 < retryPeriod < renewDeadline < leaseDuration}
         */
        public Builder timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            Objects.requireNonNull(renewDeadline, "renewDeadline");
            Objects.requireNonNull(retryPeriod, "retryPeriod");
            if (retryPeriod.isNegative() || retryPeriod.isZero() || retryPeriod.compareTo(renewDeadline) >= 0
                    || renewDeadline.compareTo(leaseDuration) >= 0) {
                throw new IllegalArgumentException("timings need 0 < retryPeriod < renewDeadline < leaseDuration, got "
                        + retryPeriod + ", " + renewDeadline + ", " + leaseDuration);
            }
            this.leaseDuration = leaseDuration;
            this.renewDeadline = renewDeadline;
            this.retryPeriod = retryPeriod;
            return this;
        }

        /** @return the fake, with no elections yet */
        public InMemoryLeaderElection build() {
            return new InMemoryLeaderElection(this);
        }
    }
}
