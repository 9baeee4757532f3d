package io.patternkit.sidecar.leader;

import io.patternkit.sidecar.common.Ticker;

import io.patternkit.protocol.ProblemType;
import io.patternkit.sidecar.common.ProblemException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-election operations as the HTTP layer sees them: asynchronous, every engine call on a
 * Vert.x worker thread, all state confined to one Vert.x context.
 *
 * <p>Validity (client-go's renew deadline): an acquire or renew whose engine call started at
 * {@code t0} on the injectable monotonic {@link Ticker} keeps its holder leader until
 * {@code t0 + renewDeadline}. As {@code renewDeadline < leaseDuration} and the engine's lease runs
 * from a moment after {@code t0}, the sidecar stops calling a holder leader before any other
 * candidate can acquire. When that moment passes without a successful renew (the app stopped
 * renewing, or the engine is unreachable), the lease counts as lost: renews answer 409
 * {@code lease-lost} from then on. The lease itself is left to expire in the engine after the
 * lease duration, so that no other candidate acquires before then (the margin
 * {@code leaseDuration - renewDeadline} between the holder's validity and a successor's); only the
 * holder's own campaign gives a lapsed lease back at once, to start a new term.
 *
 * <p>Waiting campaigns and watches hold no thread: they are parked per election with a Vert.x
 * timer (the retry period, the rest of the wait, or the moment the current lease can expire) and
 * retried at once when this sidecar changes the election (resign, disconnect, drain) or the engine
 * reports another process's change ({@link LeaseEngine#onExternalChange}). A change counter read
 * before each attempt makes a wake that arrives while an attempt is in flight retry it.
 *
 * <p>An election's state here (and its meters) is forgotten once nothing of it is left to keep: no lease held through
 * this sidecar, no campaign or watch waiting, no engine call under way, and no use for {@link #FORGET_AFTER} or the
 * lease duration, whichever is longer (by then a term declared lost here has expired in the engine, which refuses its
 * renew on its own). So the state follows the elections in use, not every name a client ever sent; the check runs at
 * most once per that period, on a call that names an election, as Caffeine's expiry does its maintenance on use.
 */
public final class LeaderService {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderService.class);
    /** How long an election nothing holds, waits on or calls is kept at least; the lease duration when longer. */
    static final java.time.Duration FORGET_AFTER = java.time.Duration.ofMinutes(5);

    private final Vertx vertx;
    private final Context context;
    private final LeaseEngine engine;
    private final LeaderTiming timing;
    private final Ticker ticker;
    private final LeaderMetrics metrics;
    private final Map<String, Election> elections = new HashMap<>();
    private boolean draining;
    /** Lease acquisitions under way, which a drain waits for before it releases. Confined to the context. */
    private final Set<Future<AcquireResult>> acquisitions = new HashSet<>();
    private long selfTimer = -1;
    /** Campaigns and watches parked over every election; the engine looks for foreign writes only while any is. */
    private int parkedCount;
    private boolean selfInFlight;
    private final long forgetAfterNanos;
    private long nextSweepNanos;

    /**
     * Creates the service.
     *
     * @param vertx the Vert.x instance whose worker pool runs the engine calls
     * @param engine the engine, owned by the caller
     * @param timing the lease duration, renew deadline and retry period
     * @param ticker the monotonic clock validity is kept on
     * @param metrics the meters
     */
    public LeaderService(Vertx vertx, LeaseEngine engine, LeaderTiming timing, Ticker ticker, LeaderMetrics metrics) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.engine = engine;
        this.timing = timing;
        this.ticker = ticker;
        this.metrics = metrics;
        this.forgetAfterNanos = Math.max(FORGET_AFTER.toNanos(), timing.leaseDuration().toNanos());
        this.nextSweepNanos = ticker.nanoTime() + forgetAfterNanos;
        engine.onExternalChange(election -> context.runOnContext(v -> wake(election)));
    }

    /** @return the lease duration, renew deadline and retry period */
    public LeaderTiming timing() {
        return timing;
    }

    /**
     * Campaigns: acquires a vacant or expired lease (a new term), renews the candidate's own live
     * lease (same term), or waits up to {@code waitMs} for the current holder's lease to end,
     * retrying every retry period and at once when a release is observed. Does not wait while the
     * sidecar drains.
     *
     * @param election a valid election name
     * @param candidate a valid candidate id
     * @param waitMs how long to wait to be elected, 0 to try once
     * @return the outcome; fails with {@link io.patternkit.sidecar.common.EngineException}
     */
    public Future<CampaignOutcome> campaign(String election, String candidate, long waitMs) {
        return campaign(election, candidate, waitMs, Promise.<Void>promise().future());
    }

    /**
     * {@link #campaign(String, String, long)} for a caller that may go away: when {@code disconnected} completes
     * before the answer (the caller's connection closed), the campaign stops waiting and fails, and a term it was
     * granted meanwhile, which nobody will ever learn of, is released at once, so that the election has no leader
     * who does not know it leads (until the lease expired, every other candidate would be locked out). A campaign
     * that renewed the candidate's own live term keeps it: its holder is alive elsewhere.
     *
     * @param election a valid election name
     * @param candidate a valid candidate id
     * @param waitMs how long to wait to be elected, 0 to try once
     * @param disconnected completes when the caller's connection closes
     * @return the outcome; fails with {@link io.patternkit.sidecar.common.EngineException}, or an
     *     {@link IllegalStateException} once the caller is gone
     */
    public Future<CampaignOutcome> campaign(String election, String candidate, long waitMs, Future<Void> disconnected) {
        Promise<CampaignOutcome> promise = Promise.promise();
        return untilDisconnected(new Campaign(election, candidate, deadline(waitMs), promise), election, promise,
                disconnected, "campaign", () -> { });
    }

    /**
     * Renews the candidate's lease in {@code term}.
     *
     * @param election a valid election name
     * @param candidate a valid candidate id
     * @param term the term the candidate holds
     * @return the renewed lease; fails with {@link ProblemException} {@code lease-lost} when the candidate does not
     *     hold the lease in that term (or its renew deadline passed), or with
     *     {@link io.patternkit.sidecar.common.EngineException} when the engine is unreachable before the deadline
     */
    public Future<Lease> renew(String election, String candidate, long term) {
        return onContext(promise -> {
            if (draining) { // its release pass frees every lease held here: a renew must not promise more time
                promise.fail(leaseLost("the sidecar is draining and releases every lease it holds"));
                return;
            }
            Election e = election(election);
            Holding before = e.holdings.get(candidate);
            if (before != null && before.term == term && expired(before)) {
                lost(e, before, "no renew within the renew deadline");
                promise.fail(leaseLost("the renew deadline passed; the lease is lost"));
                return;
            }
            if (before == null && Objects.equals(e.lostTerms.get(candidate), term)) {
                promise.fail(leaseLost("the lease was lost at its renew deadline"));
                return;
            }
            long t0 = ticker.nanoTime();
            blocking(e, () -> engine.renew(election, candidate, term, timing.leaseDuration())).onComplete(ar -> {
                Holding now = e.holdings.get(candidate);
                if (ar.failed()) {
                    metrics.renewFailed(election);
                    if (now != null && now.term == term && expired(now)) {
                        lost(e, now, "the engine was unreachable until the renew deadline");
                        promise.fail(leaseLost("no renew reached the engine within the renew deadline"));
                    } else if (before != null && now != before) {
                        promise.fail(leaseLost("the lease was lost while renewing"));
                    } else {
                        promise.fail(ar.cause());
                    }
                    return;
                }
                Optional<LeaseRecord> renewed = ar.result();
                if (renewed.isEmpty()) {
                    metrics.renewFailed(election);
                    if (now != null && now.term == term) {
                        end(e, now, ReleaseReason.LOST);
                        e.lostTerms.put(candidate, term);
                        LOG.info("lost leadership: election={} candidate={} term={} (taken over or expired)", election,
                                candidate, term);
                    }
                    promise.fail(leaseLost("the candidate does not hold the lease in term " + term));
                } else if (before != null && now != before) {
                    promise.fail(leaseLost("the lease was lost while renewing"));
                } else if (draining) {
                    promise.fail(leaseLost("the sidecar began to drain while renewing; it releases every lease it holds"));
                } else {
                    metrics.term(election, term);
                    promise.complete(lease(e, hold(e, candidate, renewed.get(), t0)));
                }
            });
        });
    }

    /**
     * Releases the candidate's lease in {@code term} at once and wakes waiting candidates.
     *
     * @param election a valid election name
     * @param candidate a valid candidate id
     * @param term the term the candidate holds
     * @return true when released now, false when that term was already vacant (released before, or expired
     *     untaken); fails with {@link ProblemException} {@code lease-lost} when someone else holds or held it
     */
    public Future<Boolean> resign(String election, String candidate, long term) {
        return onContext(promise -> {
            Election e = election(election);
            blocking(e, () -> engine.release(election, candidate, term)).onComplete(ar -> resigned(e, candidate, term,
                    ar, promise));
        });
    }

    private void resigned(Election e, String candidate, long term, AsyncResult<ReleaseOutcome> ar,
                          Promise<Boolean> promise) {
        String election = e.name;
        if (ar.failed()) {
            promise.fail(ar.cause());
            return;
        }
        Holding held = e.holdings.get(candidate);
        switch (ar.result()) {
            case RELEASED -> {
                if (held != null && held.term == term) {
                    end(e, held, ReleaseReason.RESIGN);
                } else {
                    metrics.released(election, ReleaseReason.RESIGN);
                }
                LOG.info("released: election={} candidate={} term={} (resigned)", election, candidate, term);
                wake(election);
                promise.complete(true);
            }
            case ALREADY_RELEASED -> {
                if (held != null && held.term == term) {
                    end(e, held, ReleaseReason.RESIGN);
                }
                promise.complete(false);
            }
            default -> promise.fail(leaseLost("the candidate does not hold the lease in term " + term));
        }
    }

    /**
     * Reads the election.
     *
     * @param election a valid election name
     * @return the election now, {@code changed} true
     */
    public Future<Observation> observe(String election) {
        return onContext(promise -> blocking(election(election), () -> engine.read(election)).map(lease -> {
            metrics.term(election, lease.term());
            return new Observation(lease, true);
        }).onComplete(promise));
    }

    /**
     * Long-polls until the election's {@code (term, leader)} differs from the request's, or the wait
     * passes. When {@code disconnected} completes before the answer (the caller's connection
     * closed), the watch ends without an answer and, with {@code releaseOnDisconnect}, the
     * candidate's lease is released at once if it holds it. A normal answer never releases.
     *
     * @param request the validated watch
     * @param disconnected completes when the caller's connection closes
     * @return the election now and whether it changed
     */
    public Future<Observation> watch(WatchRequest request, Future<Void> disconnected) {
        Promise<Observation> promise = Promise.promise();
        return untilDisconnected(new Watch(request, deadline(request.waitMs()), promise), request.election(), promise,
                disconnected, "watch", () -> {
                    if (request.releaseOnDisconnect() && request.candidateId() != null) {
                        releaseOnDisconnect(election(request.election()), request.candidateId(), request.term());
                    }
                });
    }

    /**
     * Starts a campaign or watch on the service's context; when its caller's connection closes before the answer,
     * takes it off the waiting list, fails it, then runs {@code gone} on the context.
     */
    private <T> Future<T> untilDisconnected(Parked p, String election, Promise<T> promise, Future<Void> disconnected,
                                            String what, Runnable gone) {
        context.runOnContext(v -> {
            try {
                p.retry();
            } catch (RuntimeException e) {
                promise.tryFail(e);
            }
        });
        disconnected.onComplete(x -> context.runOnContext(v -> {
            if (promise.future().isComplete()) {
                return;
            }
            p.abandoned = true;
            unpark(election(election), p);
            promise.tryFail(new IllegalStateException("the " + what + "'s connection closed"));
            gone.run();
        }));
        return promise.future();
    }

    /**
     * Campaigns for {@code candidate} every retry period for as long as the service runs, so the
     * sidecar itself leads (and renews) in that election: the {@code leader-elector} drop-in.
     *
     * @param election a valid election name
     * @param candidate a valid candidate id
     */
    public void campaignContinuously(String election, String candidate) {
        context.runOnContext(v -> selfTimer = vertx.setPeriodic(1, timing.retryPeriod().toMillis(), id -> {
            if (draining || selfInFlight) {
                return;
            }
            selfInFlight = true;
            campaign(election, candidate, 0).onComplete(ar -> {
                selfInFlight = false;
                if (ar.failed()) {
                    LOG.debug("campaign for {} in {} failed: {}", candidate, election, ar.cause().getMessage());
                }
            });
        }));
    }

    /**
     * Checks that the engine answers.
     *
     * @return completes when it does; fails with {@link io.patternkit.sidecar.common.EngineException}
     */
    public Future<Void> ping() {
        return blocking(() -> {
            engine.ping();
            return null;
        });
    }

    /**
     * Drains: stops the sidecar's own campaign, answers every waiting campaign and watch at once
     * (later ones do not wait), and releases every lease held through this sidecar.
     *
     * @return completes once the releases are done (failed releases are logged and left to expire)
     */
    public Future<Void> drain() {
        return onContext(done -> {
            draining = true;
            if (selfTimer >= 0) {
                vertx.cancelTimer(selfTimer);
            }
            wake(null);
            // Acquisitions already under way may still win; their holdings must be in the release pass.
            Future.join(List.copyOf(acquisitions)).onComplete(x -> releaseAll(done));
        });
    }

    /** Releases every lease held through this sidecar; completes {@code done} once every release has ended. */
    private void releaseAll(Promise<Void> done) {
        List<Future<ReleaseOutcome>> releases = new ArrayList<>();
        for (Election e : elections.values()) {
            for (Holding h : List.copyOf(e.holdings.values())) {
                releases.add(blocking(e, () -> engine.release(e.name, h.candidate, h.term)).onComplete(ar -> {
                    if (e.holdings.get(h.candidate) == h) {
                        end(e, h, ReleaseReason.DRAIN);
                    }
                    if (ar.succeeded()) {
                        LOG.info("released: election={} candidate={} term={} (drain)", e.name, h.candidate, h.term);
                    } else {
                        LOG.warn("could not release {} in {} on drain; it expires after the lease duration: {}",
                                h.candidate, e.name, ar.cause().getMessage());
                    }
                }));
            }
        }
        Future.join(releases).onComplete(ar -> done.complete());
    }

    private void attemptCampaign(Campaign c) {
        if (c.abandoned) {
            return;
        }
        if (draining) {
            // A draining sidecar grants no lease: its release pass must leave nothing held.
            blocking(() -> engine.read(c.election)).onComplete(ar -> {
                if (ar.succeeded()) {
                    c.promise.tryComplete(new CampaignOutcome(Optional.empty(), ar.result()));
                } else {
                    c.promise.tryFail(ar.cause());
                }
            });
            return;
        }
        Election e = election(c.election);
        Holding held = e.holdings.get(c.candidate);
        if (held != null && expired(held)) {
            lost(e, held, "no renew within the renew deadline");
        }
        Long lapsed = e.lostTerms.get(c.candidate);
        Release releasing = e.givenBack.get(c.candidate);
        Future<Void> released = releasing != null ? releasing.done() : Future.succeededFuture();
        Future<Void> before = released.compose(v -> lapsed != null ? giveBackLapsed(e, c.candidate, lapsed)
                : Future.succeededFuture());
        before.onComplete(x -> {
            if (c.abandoned) {
                return;
            }
            long seen = e.changes;
            long t0 = ticker.nanoTime();
            Future<AcquireResult> acquiring = blocking(e, () -> engine.tryAcquire(c.election, c.candidate,
                    timing.leaseDuration()));
            acquisitions.add(acquiring);
            acquiring.onComplete(ar -> {
                acquisitions.remove(acquiring);
                if (ar.failed()) {
                    c.promise.tryFail(ar.cause());
                    return;
                }
                AcquireResult result = ar.result();
                metrics.term(c.election, result.lease().term());
                if (result.elected() && c.abandoned && !holdsTerm(e, c.candidate, result.lease().term())) {
                    releaseUnannounced(e, c.candidate, result.lease().term());
                    return;
                }
                Release givenBack = e.givenBack.get(c.candidate);
                if (result.elected() && givenBack != null && givenBack.term() == result.lease().term()) {
                    // A retry of the same candidate renewed the term given back (before the release ran, though its
                    // answer came after): that term is gone, so campaign again once the release is done.
                    attemptCampaign(c);
                    return;
                }
                if (result.elected()) {
                    Holding h = hold(e, c.candidate, result.lease(), t0);
                    c.promise.tryComplete(new CampaignOutcome(Optional.of(lease(e, h)), result.lease()));
                    return;
                }
                Holding stale = e.holdings.get(c.candidate);
                if (stale != null) {
                    end(e, stale, ReleaseReason.LOST);
                    e.lostTerms.put(c.candidate, stale.term);
                    LOG.info("lost leadership: election={} candidate={} term={} (taken over)", c.election, c.candidate,
                            stale.term);
                }
                long remainingMs = remainingMs(c.deadlineNanos);
                if (c.abandoned) {
                    return;
                }
                if (remainingMs <= 0 || draining) {
                    c.promise.complete(new CampaignOutcome(Optional.empty(), result.lease()));
                } else if (e.changes != seen) {
                    attemptCampaign(c);
                } else {
                    park(e, c, Math.min(Math.min(remainingMs, timing.retryPeriod().toMillis()), expiryMs(result.lease())));
                }
            });
        });
    }

    private void attemptWatch(Watch w) {
        if (w.abandoned) {
            return;
        }
        Election e = election(w.request.election());
        long seen = e.changes;
        blocking(e, () -> engine.read(w.request.election())).onComplete(ar -> {
            if (w.abandoned || w.promise.future().isComplete()) {
                return;
            }
            if (ar.failed()) {
                w.promise.fail(ar.cause());
                return;
            }
            LeaseRecord lease = ar.result();
            metrics.term(lease.election(), lease.term());
            boolean changed = lease.term() != w.request.term() || !Objects.equals(lease.holder(), w.request.leaderId());
            long remainingMs = remainingMs(w.deadlineNanos);
            if (changed || remainingMs <= 0 || draining) {
                w.promise.complete(new Observation(lease, changed));
            } else if (e.changes != seen) {
                attemptWatch(w);
            } else {
                long poll = engine.reportsExternalChanges() ? Long.MAX_VALUE : timing.retryPeriod().toMillis();
                park(e, w, Math.min(Math.min(remainingMs, poll), expiryMs(lease)));
            }
        });
    }

    private boolean holdsTerm(Election e, String candidate, long term) {
        Holding h = e.holdings.get(candidate);
        return h != null && h.term == term;
    }

    /**
     * Gives back a new term granted to a campaign whose caller went away before the answer. The candidate's next
     * campaign waits until it is given back, and any campaign of that candidate answered "elected in that term" (a
     * retry whose renewal ran before the release, on another worker) campaigns again instead of announcing it: the
     * term is remembered until the candidate holds another.
     */
    private void releaseUnannounced(Election e, String candidate, long term) {
        Promise<Void> done = Promise.promise();
        Release release = new Release(term, done.future());
        e.givenBack.put(candidate, release);
        blocking(e, () -> engine.release(e.name, candidate, term)).onComplete(ar -> {
            if (ar.failed()) {
                e.givenBack.remove(candidate, release); // still the candidate's in the engine: a retry may have it
                done.complete();
                LOG.warn("could not release {} in {} after its campaign disconnected; it expires after the lease "
                        + "duration: {}", candidate, e.name, ar.cause().getMessage());
                return;
            }
            done.complete();
            if (ar.result() == ReleaseOutcome.RELEASED) {
                LOG.info("released: election={} candidate={} term={} (its campaign disconnected before the answer)",
                        e.name, candidate, term);
                wake(e.name);
            }
        });
    }

    /**
     * Releases what a closed watch stood for: the candidate's lease, when it holds it, in the term the watch was of
     * ({@code watchedTerm}; 0 for a watch that named none, which stands for whatever term the candidate holds). A watch
     * of an older term is not the holder's watch of the term it holds now, and releases nothing.
     */
    private void releaseOnDisconnect(Election e, String candidate, long watchedTerm) {
        Holding held = e.holdings.get(candidate);
        blocking(e, () -> {
            long term = held != null ? held.term : -1;
            if (held == null) {
                LeaseRecord lease = engine.read(e.name);
                if (!candidate.equals(lease.holder())) {
                    return -1L;
                }
                term = lease.term();
            }
            if (watchedTerm > 0 && term != watchedTerm) {
                return -1L;
            }
            return engine.release(e.name, candidate, term) == ReleaseOutcome.RELEASED ? term : -1L;
        }).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("could not release {} in {} after its watch disconnected: {}", candidate, e.name,
                        ar.cause().getMessage());
                return;
            }
            long term = ar.result();
            if (term < 0) {
                return;
            }
            Holding now = e.holdings.get(candidate);
            if (now != null && now.term == term) {
                end(e, now, ReleaseReason.DISCONNECT);
            } else {
                metrics.released(e.name, ReleaseReason.DISCONNECT);
            }
            LOG.info("released: election={} candidate={} term={} (its watch disconnected)", e.name, candidate, term);
            wake(e.name);
        });
    }

    /** Records a successful acquire or renew whose engine call started at {@code t0}. */
    private Holding hold(Election e, String candidate, LeaseRecord lease, long t0) {
        Holding h = e.holdings.get(candidate);
        if (h == null || h.term != lease.term()) {
            if (h != null) {
                end(e, h, ReleaseReason.LOST);
            }
            h = new Holding(candidate, lease.term(), lease);
            e.holdings.put(candidate, h);
            e.lostTerms.remove(candidate);
            e.givenBack.remove(candidate);
            metrics.acquired(e.name);
            LOG.info("elected: election={} candidate={} term={}", e.name, candidate, lease.term());
        }
        h.record = lease;
        h.validUntil = Math.max(h.validUntil, t0 + timing.renewDeadline().toNanos());
        metrics.leading(e.name, candidate, true);
        armLostTimer(e, h);
        return h;
    }

    private void armLostTimer(Election e, Holding h) {
        if (h.timer >= 0) {
            vertx.cancelTimer(h.timer);
        }
        long delayMs = TimeUnit.NANOSECONDS.toMillis(h.validUntil - ticker.nanoTime()) + 1;
        h.timer = vertx.setTimer(Math.max(1, delayMs), id -> {
            h.timer = -1;
            if (e.holdings.get(h.candidate) != h) {
                return;
            }
            if (expired(h)) {
                lost(e, h, "no renew within the renew deadline");
            } else {
                armLostTimer(e, h);
            }
        });
    }

    /**
     * Ends a holding whose renew deadline passed. The lease stays in the engine until it expires, so no
     * other candidate can acquire before the lease duration has passed.
     */
    private void lost(Election e, Holding h, String why) {
        end(e, h, ReleaseReason.LOST);
        e.lostTerms.put(h.candidate, h.term);
        LOG.info("lost leadership: election={} candidate={} term={} ({})", e.name, h.candidate, h.term, why);
    }

    /**
     * A candidate campaigns again after this sidecar declared its term lost: gives that term's lease back
     * in the engine if the candidate still holds it there (a release of anyone else's term changes
     * nothing), so the campaign starts a new term; never fails.
     */
    private Future<Void> giveBackLapsed(Election e, String candidate, long term) {
        return blocking(e, () -> engine.release(e.name, candidate, term)).transform(ar -> {
            if (ar.succeeded()) {
                e.lostTerms.remove(candidate, term); // given back: later renews of it ask the engine, which refuses
                if (ar.result() == ReleaseOutcome.RELEASED) {
                    wake(e.name);
                }
            }
            return Future.<Void>succeededFuture();
        });
    }

    private void end(Election e, Holding h, ReleaseReason reason) {
        e.usedNanos = ticker.nanoTime(); // a term declared lost is remembered for a lease duration at least
        e.holdings.remove(h.candidate, h);
        if (h.timer >= 0) {
            vertx.cancelTimer(h.timer);
            h.timer = -1;
        }
        metrics.leading(e.name, h.candidate, false);
        metrics.released(e.name, reason);
    }

    private boolean expired(Holding h) {
        return ticker.nanoTime() - h.validUntil >= 0;
    }

    private Lease lease(Election e, Holding h) {
        long leftNanos = Math.max(0, h.validUntil - ticker.nanoTime());
        return new Lease(e.name, h.candidate, h.term, java.time.Duration.ofNanos(leftNanos), h.record.acquiredAt());
    }

    /** Takes a campaign or watch whose caller went away off its election's waiting list. */
    private void unpark(Election e, Parked p) {
        if (e.parked.remove(p)) {
            countParked(-1);
            vertx.cancelTimer(p.timer);
        }
    }

    private void park(Election e, Parked p, long delayMs) {
        e.parked.add(p);
        countParked(1);
        p.timer = vertx.setTimer(Math.max(1, delayMs), id -> {
            if (e.parked.remove(p)) {
                countParked(-1);
                p.retry();
            }
        });
    }

    private void countParked(int delta) {
        boolean before = parkedCount > 0;
        parkedCount += delta;
        if (parkedCount > 0 != before) {
            engine.waiting(parkedCount > 0);
        }
    }

    /** Retries the parked campaigns and watches of one election, or of all when {@code election} is null. */
    private void wake(String election) {
        List<Election> woken = election == null ? List.copyOf(elections.values())
                : elections.containsKey(election) ? List.of(elections.get(election)) : List.of();
        for (Election e : woken) {
            e.changes++;
            e.usedNanos = ticker.nanoTime();
            List<Parked> parked = List.copyOf(e.parked);
            e.parked.clear();
            countParked(-parked.size());
            for (Parked p : parked) {
                vertx.cancelTimer(p.timer);
                p.retry();
            }
        }
    }

    /** The election's state, made on first use and marked as used now; forgets idle ones when that is due. */
    private Election election(String name) {
        long now = ticker.nanoTime();
        if (now - nextSweepNanos >= 0) {
            nextSweepNanos = now + forgetAfterNanos;
            for (var it = elections.values().iterator(); it.hasNext(); ) {
                Election e = it.next();
                if (e.idle() && now - e.usedNanos > forgetAfterNanos) {
                    it.remove();
                    metrics.forget(e.name);
                    engine.forget(e.name);
                }
            }
        }
        Election e = elections.computeIfAbsent(name, Election::new);
        e.usedNanos = now;
        return e;
    }

    /** @return how many elections this service keeps state for */
    int electionsHeld() {
        return elections.size();
    }

    /** Milliseconds until the lease can expire (plus one, to be past it), or MAX_VALUE while vacant. */
    private static long expiryMs(LeaseRecord lease) {
        return lease.holder() == null ? Long.MAX_VALUE : lease.remaining().toMillis() + 1;
    }

    // Waits are timed by Vert.x timers, which run on the JVM's clock; so are their deadlines.
    private static long deadline(long waitMs) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    }

    private static long remainingMs(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    private <T> Future<T> onContext(Consumer<Promise<T>> body) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> {
            try {
                body.accept(promise);
            } catch (RuntimeException e) {
                promise.tryFail(e);
            }
        });
        return promise.future();
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return context.executeBlocking(work, false);
    }

    /** An engine call for the election, which keeps it from being forgotten until the call's answer is handled. */
    private <T> Future<T> blocking(Election e, Callable<T> work) {
        e.inFlight++;
        return blocking(work).onComplete(ar -> {
            e.inFlight--;
            e.usedNanos = ticker.nanoTime();
        });
    }

    private static ProblemException leaseLost(String detail) {
        return new ProblemException(ProblemType.LEASE_LOST, detail);
    }

    /** One election's state in this sidecar. Confined to the service's context. */
    private static final class Election {
        final String name;
        final Map<String, Holding> holdings = new HashMap<>();
        /** Per candidate, the term declared lost here, so a late renew of it is refused without asking the engine. */
        final Map<String, Long> lostTerms = new HashMap<>();
        final List<Parked> parked = new ArrayList<>();
        /** Per candidate, the last term granted to a campaign whose caller went away, given back; until it holds another. */
        final Map<String, Release> givenBack = new HashMap<>();
        long changes;
        /** Engine calls for this election whose answers are not yet handled. */
        int inFlight;
        /** When this election was last used, on the service's ticker. */
        long usedNanos;

        Election(String name) {
            this.name = name;
        }

        /** @return true when nothing here needs the state kept: no holding, waiter, call or give-back under way */
        boolean idle() {
            return holdings.isEmpty() && parked.isEmpty() && inFlight == 0
                    && givenBack.values().stream().allMatch(r -> r.done().isComplete());
        }
    }

    /** A term being given back, and when that is done (whether or not the engine took it back). */
    private record Release(long term, Future<Void> done) {
    }

    /** A lease a candidate holds through this sidecar. */
    private static final class Holding {
        final String candidate;
        final long term;
        LeaseRecord record;
        long validUntil;
        long timer = -1;

        Holding(String candidate, long term, LeaseRecord record) {
            this.candidate = candidate;
            this.term = term;
            this.record = record;
            this.validUntil = Long.MIN_VALUE / 2;
        }
    }

    /** A waiting campaign or watch. */
    private abstract static class Parked {
        long timer = -1;
        /** Set when the caller's connection closed before the answer. */
        boolean abandoned;

        abstract void retry();
    }

    private final class Campaign extends Parked {
        final String election;
        final String candidate;
        final long deadlineNanos;
        final Promise<CampaignOutcome> promise;

        Campaign(String election, String candidate, long deadlineNanos, Promise<CampaignOutcome> promise) {
            this.election = election;
            this.candidate = candidate;
            this.deadlineNanos = deadlineNanos;
            this.promise = promise;
        }

        @Override
        void retry() {
            attemptCampaign(this);
        }
    }

    private final class Watch extends Parked {
        final WatchRequest request;
        final long deadlineNanos;
        final Promise<Observation> promise;

        Watch(WatchRequest request, long deadlineNanos, Promise<Observation> promise) {
            this.request = request;
            this.deadlineNanos = deadlineNanos;
            this.promise = promise;
        }

        @Override
        void retry() {
            attemptWatch(this);
        }
    }
}
