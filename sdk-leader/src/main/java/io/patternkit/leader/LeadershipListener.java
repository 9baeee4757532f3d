package io.patternkit.leader;

/**
 * Callbacks of a {@link Leadership} handle: elected, revoked, and leaders observed. All methods default to
 * doing nothing. The contract, in the manner of OkHttp's {@code EventListener}:
 *
 * <ul>
 *   <li><b>Thread.</b> Every callback of one handle runs on that handle's single event thread
 *       ({@code patternkit-leader-<election>-events}), never on a caller's thread nor concurrently with
 *       another callback of the same handle.</li>
 *   <li><b>Order.</b> Events are delivered strictly in the order the handle's state changed. {@code elected}
 *       and {@code revoked} alternate, starting with {@code elected}, and each {@code revoked} carries the
 *       context of the {@code elected} before it. A handle that is closed while leading delivers
 *       {@code revoked(ctx, CLOSED)} before {@link Leadership#close()} returns (unless close is called from
 *       a callback).</li>
 *   <li><b>Must not block for long.</b> Start leader work on your own thread (or executor) in
 *       {@code elected} and return; stop it when {@code revoked} arrives or, sooner, when
 *       {@link LeadershipContext#revokedFuture()} completes. A callback that blocks delays the next events
 *       (not the handle's renewals or its deadline, which run on other threads). An exception thrown by
 *       {@code revoked} or {@code leaderObserved} is logged and ignored; one thrown by {@code elected} (an
 *       {@link Error} such as an {@link AssertionError} included) gives the term up: the handle resigns and
 *       campaigns again after a backoff that grows while {@code elected} keeps failing
 *       ({@link RevocationReason#ELECTED_CALLBACK_FAILED}), since a leader that cannot start its work must not hold
 *       the lease.</li>
 *   <li><b>Races you must design for.</b> {@link Leadership#isLeader()} and
 *       {@link LeadershipContext#isValid()} turn false at the local renew deadline exactly, read from the
 *       clock, possibly <em>before</em> {@code revoked} is delivered: check them before each unit of leader
 *       work. And no check is enough on its own: a process paused (GC, {@code SIGSTOP}, a frozen VM) after
 *       checking can act after its lease ended and a successor was elected. Stamp the term's fencing token
 *       ({@link LeadershipContext#fencingToken()}) on every downstream write and have the downstream store
 *       refuse tokens lower than the highest it has seen; that closes the gap.</li>
 * </ul>
 */
public interface LeadershipListener {
    /**
     * This candidate became leader: a term began (or, after a revocation whose lease the sidecar still held,
     * the same term was confirmed again).
     *
     * <p>Throwing gives the term up ({@link RevocationReason#ELECTED_CALLBACK_FAILED}): do so only when this candidate
     * cannot lead, such as when the state it must restore is unavailable.
     *
     * @param context the term: election, candidate, term, fencing token, validity and its revocation future
     */
    default void elected(LeadershipContext context) {
    }

    /**
     * This candidate stopped being leader. Stop leader work now; the handle campaigns again (unless closed).
     *
     * @param context the term that ended, the one passed to the matching {@link #elected}
     * @param reason why it ended
     */
    default void revoked(LeadershipContext context, RevocationReason reason) {
    }

    /**
     * The handle learned of a new leader or term, or of a vacancy: from its campaign answers, its watch (a
     * follower learns of a new leader as soon as the sidecar does), or its own election. Called once per
     * distinct (leader, term) in the order observed.
     *
     * @param observation the election as observed; {@link LeaderObservation#leader()} is empty for a vacancy
     */
    default void leaderObserved(LeaderObservation observation) {
    }
}
