package io.patternkit.leader.internal;

import io.patternkit.core.internal.DaemonThreads;
import io.patternkit.core.internal.Interrupts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.patternkit.core.AdvanceableClock;
import io.patternkit.core.internal.JvmErrors;
import io.patternkit.core.internal.OwnedMeters;
import io.patternkit.core.internal.SummedGauge;
import io.patternkit.core.internal.Waits;
import io.patternkit.leader.CampaignResult;
import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.LeaderMetrics;
import io.patternkit.leader.LeaderObservation;
import io.patternkit.leader.LeadershipContext;
import io.patternkit.leader.LeadershipListener;
import io.patternkit.leader.Lease;
import io.patternkit.leader.LeaseLostException;
import io.patternkit.leader.RevocationReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine behind {@link io.patternkit.leader.Leadership}. Internal.
 *
 * <p>Threads: a campaign thread (campaigns with long-polls while following; renews every retry period while
 * leading), a watch thread (follower watch while following; the holder's release-on-disconnect watch while
 * leading, re-polled at once), a deadline thread (revokes at the local renew deadline) and the event thread
 * (listener callbacks, in state-change order). Every state change happens under this object's monitor and
 * enqueues its events while holding it, so events are ordered as the changes. No remote call is made while
 * holding the monitor. Timed waits read the injected clock and wait on the monitor; an
 * {@link AdvanceableClock} wakes them on every advance.
 */
public final class LeadershipEngine {
    private static final Logger log = LoggerFactory.getLogger(LeadershipEngine.class);
    private static final Duration MIN_RETRY_PERIOD = Duration.ofMillis(1);
    private static final Duration MIN_CAMPAIGN_WAIT = Duration.ofMillis(100);
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final LeaderElection source;
    private final AutoCloseable owned;
    private final LeadershipSettings settings;
    private final String election;
    private final String candidate;
    private final Clock clock;
    private final LeadershipListener listener;
    private final MeterRegistry registry;
    private final ExecutorService events;
    private final Runnable wakeOnAdvance = this::wakeAll;
    /** This election's meters, which leave the registry once it closes (unless another live one holds them). */
    private final OwnedMeters meters;
    /** This handle's part of the is-leader gauge, which every handle of the election in the registry adds to. */
    private final SummedGauge.Part leading;
    private final Counter won;

    /** The term held now, or null. Written under the monitor. */
    private volatile Term term;
    /** The last distinct (leader, term) observed. Guarded by the monitor. */
    private LeaderObservation lastSeen;
    /** A lease revoked at its deadline that the sidecar may still hold for us: resigned before campaigning. */
    private Lease pendingResign;
    /**
     * Set when the elected callback failed: no campaign before this instant, a backoff counted from the revocation.
     * Guarded by the monitor.
     */
    private Instant campaignNotBefore;
    /**
     * The backoff after failed elected callbacks: doubles with each failure in a row, reset only by a callback that
     * succeeds, not by a campaign that wins (every campaign after a failure wins when all candidates fail alike).
     * Guarded by this.
     */
    private final Backoff electedFailures;
    private boolean started;
    private volatile boolean closed;
    private volatile Thread eventThread;
    private Thread[] loops = new Thread[0];

    /**
     * @param source the election operations
     * @param owned closed by {@link #close()} (the client the handle made), or null
     * @param settings the handle's settings
     */
    public LeadershipEngine(LeaderElection source, AutoCloseable owned, LeadershipSettings settings) {
        this.source = source;
        this.owned = owned;
        this.settings = settings;
        this.electedFailures = new Backoff(settings.backoffMin(), settings.backoffMax());
        this.election = settings.election();
        this.candidate = settings.candidateId();
        this.clock = settings.clock();
        this.listener = settings.listener();
        this.events = Executors.newSingleThreadExecutor(r -> {
            eventThread = DaemonThreads.newThread("patternkit-leader-" + election + "-events", r);
            return eventThread;
        });
        this.registry = settings.meterRegistry();
        this.meters = new OwnedMeters(registry);
        this.leading = SummedGauge.add(registry, LeaderMetrics.IS_LEADER, Tags.of(LeaderMetrics.TAG_ELECTION, election),
                "1 while a handle of the election in this registry leads", () -> isLeader() ? 1 : 0);
        this.won = meters.register(Counter.builder(LeaderMetrics.ELECTIONS_WON).tag(LeaderMetrics.TAG_ELECTION, election)
                ::register);
        if (clock instanceof AdvanceableClock advanceable) {
            advanceable.onAdvance(wakeOnAdvance);
        }
    }

    /** @return the election's name */
    public String election() {
        return election;
    }

    /** @return this candidate's id */
    public String candidateId() {
        return candidate;
    }

    /** Starts the loops; once. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the Leadership handle is closed; build a new one");
        }
        if (started) {
            throw new IllegalStateException("the Leadership handle is already started");
        }
        started = true;
        loops = new Thread[] {thread("campaign", this::campaignLoop), thread("watch", this::watchLoop),
                thread("deadline", this::deadlineLoop)};
        for (Thread t : loops) {
            t.start();
        }
        log.debug("leadership of election {} started as candidate {}", election, candidate);
    }

    /** @return true while a term is held and its local renew deadline has not passed (read from the clock) */
    public boolean isLeader() {
        Term t = term;
        return t != null && t.isValid();
    }

    /** @return the held term, when valid */
    public Optional<LeadershipContext> current() {
        Term t = term;
        return t != null && t.isValid() ? Optional.of(t) : Optional.empty();
    }

    /** @return the last distinct observation of the election, if any */
    public synchronized Optional<LeaderObservation> lastObserved() {
        return Optional.ofNullable(lastSeen);
    }

    /**
     * Waits in real time for a valid term.
     *
     * @param timeout how long, real time
     * @return the term, or empty when the timeout passed or the handle closed first
     * @throws InterruptedException when interrupted
     */
    public synchronized Optional<LeadershipContext> awaitLeadership(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + Waits.nanos(timeout);
        while (true) {
            Term t = term;
            if (t != null && t.isValid()) {
                return Optional.of(t);
            }
            long left = end - System.nanoTime();
            if (closed || left <= 0) {
                return Optional.empty();
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Revokes (CLOSED), resigns, stops the loops and delivers the last events. Idempotent. */
    public void close() {
        Term t;
        Lease toResign;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = term;
            toResign = t != null ? t.lease : pendingResign;
            pendingResign = null;
            notifyAll();
        }
        if (t != null) {
            revoke(t, RevocationReason.CLOSED);
        }
        if (toResign != null) {
            Interrupts.deferredDuring(() -> resignQuietly(toResign)); // else the successor waits out the lease
        }
        for (Thread loop : loops) {
            loop.interrupt();
        }
        awaitLoops();
        events.shutdown();
        if (Thread.currentThread() != eventThread) {
            try {
                if (!events.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    log.warn("leadership of election {}: a listener callback is still running {} s after close",
                            election, CLOSE_WAIT_SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        leading.close();
        meters.close();
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                log.warn("leadership of election {}: closing the client failed: {}", election, e.toString());
            }
        }
        log.debug("leadership of election {} closed", election);
    }

    /**
     * Waits, before the client closes, for the loops to end: one may be giving back a term it won as the handle closed.
     * At most {@link #CLOSE_WAIT_SECONDS} in all, whatever interrupts the caller (close() from a loop thread, which it
     * has just interrupted, or from an interrupted one); the caller's interrupt flag is kept.
     */
    private void awaitLoops() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        boolean interrupted = Thread.interrupted();
        for (Thread loop : loops) {
            while (loop != Thread.currentThread() && loop.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    loop.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the campaign thread: campaign while following, renew while leading ----

    private void campaignLoop() {
        Backoff backoff = new Backoff(settings.backoffMin(), settings.backoffMax());
        while (!closed) {
            Term t = term;
            if (t != null) {
                renewWhenDue(t);
                continue;
            }
            Lease stale = takePendingResign();
            if (stale != null) {
                resignQuietly(stale);
            }
            Instant notBefore = takeCampaignNotBefore();
            if (notBefore != null) { // a term this candidate could not lead: not again at once
                pauseUntil(notBefore);
                continue;
            }
            Instant sent = clock.instant();
            long started = System.nanoTime();
            Duration wait = campaignWait();
            try {
                CampaignResult r = source.becomeLeader(election, candidate, wait);
                backoff.reset();
                if (r.elected()) {
                    onCampaignWon(r.lease().orElseThrow(), sent, r.observed());
                } else {
                    observe(r.observed());
                    if (Duration.ofNanos(System.nanoTime() - started).compareTo(wait.dividedBy(2)) < 0) {
                        pauseUntil(sent.plus(backoff.next())); // the sidecar answered early: do not spin
                    }
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                Duration d = backoff.next();
                log.warn("leadership of election {}: campaign failed, retrying {} after it was sent: {}", election, d,
                        e.getMessage());
                pauseUntil(sent.plus(d));
            }
        }
    }

    private void renewWhenDue(Term t) {
        synchronized (this) {
            awaitClock(() -> t.nextRenew, () -> term != t || closed);
            if (term != t || closed) {
                return;
            }
        }
        Instant sent = clock.instant();
        Timer.Sample sample = Timer.start(registry);
        String outcome = "success";
        try {
            Lease renewed = source.renewLeadership(t.lease);
            synchronized (this) {
                if (term == t && !t.ended && t.first.sameTerm(renewed)) {
                    t.lease = renewed;
                    t.deadline = sent.plus(renewed.validFor());
                    t.nextRenew = sent.plus(retryPeriod(renewed));
                    notifyAll();
                }
            }
        } catch (LeaseLostException e) {
            outcome = "lease-lost";
            log.info("leadership of election {}: renew of term {} answered lease-lost", election, t.term());
            revoke(t, RevocationReason.LEASE_LOST);
        } catch (RuntimeException e) {
            outcome = "failure";
            log.warn("leadership of election {}: renew of term {} failed, retrying {} after it was sent (renew "
                    + "deadline in {}): {}", election, t.term(), retryPeriod(t.lease), remaining(t), e.getMessage());
            synchronized (this) {
                if (term == t) {
                    t.nextRenew = sent.plus(retryPeriod(t.lease));
                }
            }
        } finally {
            sample.stop(meters.register(Timer.builder(LeaderMetrics.RENEW).tag(LeaderMetrics.TAG_ELECTION, election)
                    .tag(LeaderMetrics.TAG_OUTCOME, outcome)::register));
        }
    }

    /**
     * The long-poll wait of the next campaign: the configured wait, but at most a quarter of the lease
     * duration last observed, so that a campaign won at the end of its wait still has most of its renew
     * deadline left when timed from its send (see {@link #onCampaignWon}). Until a lease duration has been
     * observed, campaigns wait {@link #MIN_CAMPAIGN_WAIT}: a fresh handle's first campaign, parked for the
     * configured wait, would otherwise need a confirming renew when it wins late in that wait, on the
     * failover's critical path; its not-elected answer carries the holder's lease duration.
     */
    private synchronized Duration campaignWait() {
        Duration wait = settings.campaignWait();
        Duration cap = lastSeen != null && lastSeen.leaseDuration().compareTo(Duration.ZERO) > 0
                ? max(lastSeen.leaseDuration().dividedBy(4), MIN_CAMPAIGN_WAIT)
                : MIN_CAMPAIGN_WAIT;
        return cap.compareTo(wait) < 0 ? cap : wait;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /**
     * A campaign's validity counts from the moment the sidecar acquired the lease, which may be long after
     * the campaign was sent (it long-polls); only the send time is known to precede it. When the term timed
     * from the send still has at least half its renew deadline left (the common case: campaigns wait at
     * most a quarter of the lease duration), the win is announced at once and renewed on the usual
     * schedule, as if renewed at the send, so no extra round trip delays a failover. Otherwise timing the
     * term from the send would end it at or soon after its start, so it is timed from a renew sent right
     * after the win; only if that renew fails for another reason than a lost lease does the conservative
     * bound from the campaign's send time stand.
     */
    private void onCampaignWon(Lease lease, Instant sent, LeaderObservation observed) {
        Lease held = lease;
        Instant validFrom = sent;
        Instant lastRenew = sent;
        Duration leftFromSend = Duration.between(clock.instant(), sent.plus(lease.validFor()));
        if (leftFromSend.compareTo(lease.renewDeadline().dividedBy(2)) < 0) {
            Instant renewSent = clock.instant();
            lastRenew = renewSent;
            try {
                held = source.renewLeadership(lease);
                validFrom = renewSent;
            } catch (LeaseLostException e) {
                log.info("leadership of election {}: term {} was lost right after it was won", election, lease.term());
                return;
            } catch (RuntimeException e) {
                log.warn("leadership of election {}: renew right after winning term {} failed, timing the term from the "
                        + "campaign's send: {}", election, lease.term(), e.getMessage());
            }
        }
        onElected(held, validFrom, lastRenew, observed);
    }

    private void onElected(Lease lease, Instant validFrom, Instant lastRenew, LeaderObservation observed) {
        synchronized (this) {
            if (!closed) {
                Term t = new Term(lease, validFrom.plus(lease.validFor()), lastRenew.plus(retryPeriod(lease)));
                term = t;
                won.increment();
                log.info("leadership of election {}: elected as {} in term {} (fencing token {})", election,
                        candidate, lease.term(), lease.fencingToken());
                enqueue(() -> {
                    try {
                        listener.elected(t);
                        synchronized (this) {
                            electedFailures.reset();
                        }
                    } catch (RuntimeException | Error e) {
                        JvmErrors.rethrowIfFatal(e);
                        log.error("leadership of election {}: the elected callback of term {} threw; stepping down so "
                                + "that another candidate can lead", election, t.term(), e);
                        revoke(t, RevocationReason.ELECTED_CALLBACK_FAILED);
                    }
                });
                observeLocked(observed);
                notifyAll();
                return;
            }
        }
        // Won after close: give it back at once. close() interrupted this thread, and an HTTP client fails a call made on
        // an interrupted thread, so the flag waits until the resign has gone.
        Interrupts.deferredDuring(() -> resignQuietly(lease));
    }

    // ---- the watch thread ----

    private void watchLoop() {
        Backoff backoff = new Backoff(settings.backoffMin(), settings.backoffMax());
        boolean failing = false;
        while (!closed) {
            Term t;
            LeaderObservation seen;
            synchronized (this) {
                // Read together: an election sets both at once, and a follower watch sent from the new
                // state (this candidate leading) would park for its whole wait instead of returning at
                // once, leaving the new leader without its holder watch (and a kill -9 unnoticed).
                t = term;
                seen = lastSeen;
            }
            Instant sent = clock.instant();
            try {
                if (t != null) {
                    LeaderObservation o = source.watchAsLeader(t.lease, settings.watchWait());
                    if (o.term() != t.term() || !o.isLeader(candidate)) {
                        revoke(t, RevocationReason.LEADER_CHANGED);
                    }
                    observe(o);
                } else {
                    LeaderObservation o = source.watch(election, seen, settings.watchWait());
                    if (o.isLeader(candidate)) {
                        // our own election, seen before the campaign thread took the lease: let it report
                        // elected first (or campaign again, which renews) instead of reporting ourselves here
                        synchronized (this) {
                            Instant until = sent.plus(settings.backoffMin());
                            awaitClock(() -> until, () -> term != null || closed);
                        }
                    } else {
                        observe(o);
                    }
                }
                backoff.reset();
                failing = false;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                Duration d = backoff.next();
                if (!failing) {
                    log.warn("leadership of election {}: watch failed, retrying {} after it was sent: {}", election, d,
                            e.getMessage());
                }
                failing = true;
                pauseUntil(sent.plus(d));
            }
        }
    }

    private synchronized void observe(LeaderObservation o) {
        observeLocked(o);
    }

    private void observeLocked(LeaderObservation o) {
        if (!closed && o.differsFrom(lastSeen)) {
            lastSeen = o;
            enqueue(() -> listener.leaderObserved(o));
        }
    }

    // ---- the deadline thread ----

    private void deadlineLoop() {
        while (!closed) {
            Term due = null;
            synchronized (this) {
                Term t = term;
                if (t == null) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                awaitClock(() -> t.deadline, () -> term != t || closed);
                if (term == t && !clock.instant().isBefore(t.deadline)) {
                    due = t;
                }
            }
            if (due != null) {
                log.warn("leadership of election {}: no renew succeeded before the renew deadline of term {}; "
                        + "stepping down", election, due.term());
                revoke(due, RevocationReason.RENEW_DEADLINE_PASSED);
            }
        }
    }

    // ---- transitions ----

    private void revoke(Term t, RevocationReason reason) {
        synchronized (this) {
            if (term != t || t.ended) {
                return;
            }
            t.ended = true;
            term = null;
            if (reason == RevocationReason.RENEW_DEADLINE_PASSED || reason == RevocationReason.ELECTED_CALLBACK_FAILED) {
                pendingResign = t.lease;
            }
            if (reason == RevocationReason.ELECTED_CALLBACK_FAILED) {
                campaignNotBefore = clock.instant().plus(electedFailures.next());
            }
            meters.register(Counter.builder(LeaderMetrics.REVOCATIONS).tag(LeaderMetrics.TAG_ELECTION, election)
                    .tag(LeaderMetrics.TAG_REASON, reason.name().toLowerCase(Locale.ROOT).replace('_', '-'))::register)
                    .increment();
            log.info("leadership of election {}: term {} of {} revoked: {}", election, t.term(), candidate, reason);
            enqueue(() -> listener.revoked(t, reason));
            notifyAll();
        }
        t.revoked.complete(reason);
    }

    /** @return the instant before which no campaign starts after a failed elected callback, or null for none */
    private synchronized Instant takeCampaignNotBefore() {
        Instant notBefore = campaignNotBefore;
        campaignNotBefore = null;
        return notBefore;
    }

    private synchronized Lease takePendingResign() {
        Lease l = pendingResign;
        pendingResign = null;
        return l;
    }

    private void resignQuietly(Lease lease) {
        try {
            source.resign(lease);
            log.debug("leadership of election {}: resigned term {}", election, lease.term());
        } catch (RuntimeException e) {
            log.debug("leadership of election {}: resign of term {} failed: {}", election, lease.term(),
                    e.getMessage());
        }
    }

    private void enqueue(Runnable event) {
        try {
            events.execute(() -> {
                try {
                    event.run();
                } catch (RuntimeException e) {
                    log.warn("leadership of election {}: a listener callback threw; ignored", election, e);
                }
            });
        } catch (RejectedExecutionException closedAlready) {
            log.debug("leadership of election {}: event after close dropped", election);
        }
    }

    // ---- time ----

    /** Waits on the monitor (held by the caller) until the clock reaches the moment or the condition holds. */
    private void awaitClock(java.util.function.Supplier<Instant> until, BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            Duration left = Duration.between(clock.instant(), until.get());
            if (left.isNegative() || left.isZero()) {
                return;
            }
            try {
                long ms = Math.max(1, left.toMillis() + (left.toNanosPart() % 1_000_000 == 0 ? 0 : 1));
                wait(ms);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pauseUntil(Instant until) {
        synchronized (this) {
            awaitClock(() -> until, () -> closed);
        }
    }

    private synchronized void wakeAll() {
        notifyAll();
    }

    private Duration remaining(Term t) {
        Duration d = Duration.between(clock.instant(), t.deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Duration retryPeriod(Lease lease) {
        return lease.retryPeriod().compareTo(MIN_RETRY_PERIOD) < 0 ? MIN_RETRY_PERIOD : lease.retryPeriod();
    }

    private Thread thread(String role, Runnable body) {
        return DaemonThreads.newThread("patternkit-leader-" + election + "-" + role, body);
    }

    /** One term held by this handle; the {@link LeadershipContext} of its events. */
    private final class Term implements LeadershipContext {
        final Lease first;
        final CompletableFuture<RevocationReason> revoked = new CompletableFuture<>();
        volatile Lease lease;
        volatile Instant deadline;
        volatile Instant nextRenew;
        volatile boolean ended;

        Term(Lease lease, Instant deadline, Instant nextRenew) {
            this.first = lease;
            this.lease = lease;
            this.deadline = deadline;
            this.nextRenew = nextRenew;
        }

        @Override
        public String election() {
            return first.election();
        }

        @Override
        public String candidateId() {
            return first.candidateId();
        }

        @Override
        public long term() {
            return first.term();
        }

        @Override
        public long fencingToken() {
            return first.fencingToken();
        }

        @Override
        public Lease lease() {
            return lease;
        }

        @Override
        public boolean isValid() {
            return !ended && clock.instant().isBefore(deadline);
        }

        @Override
        public CompletableFuture<RevocationReason> revokedFuture() {
            return revoked.copy();
        }

        @Override
        public String toString() {
            return "LeadershipContext[" + election() + ", " + candidateId() + ", term " + term() + ", fencing token "
                    + fencingToken() + (isValid() ? "" : ", ended") + "]";
        }
    }
}
