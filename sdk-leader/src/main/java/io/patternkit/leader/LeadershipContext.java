package io.patternkit.leader;

import java.util.concurrent.CompletableFuture;

/**
 * One term of leadership of a {@link Leadership} handle, handed to {@link LeadershipListener#elected}: what
 * leader work needs to act safely (the fencing token) and to stop in time (validity and the revocation
 * future). Thread-safe; valid to keep after the term ended (it then reports itself invalid).
 */
public interface LeadershipContext {
    /** @return the election's name */
    String election();

    /** @return this candidate's id */
    String candidateId();

    /** @return the term, from 1 */
    long term();

    /**
     * @return the term's fencing token, strictly greater than every earlier term's: stamp it on every
     *     downstream write, and have the downstream refuse lower tokens than it has seen
     */
    long fencingToken();

    /** @return the lease as last renewed in this term (or as acquired, before the first renew) */
    Lease lease();

    /**
     * Exact and cheap: false from the local renew deadline on (read from the handle's clock, even when no
     * thread has run since), after any revocation, and after close. Check it before each unit of leader
     * work; it cannot protect against a pause after the check (see {@link LeadershipListener}).
     *
     * @return true while this term is held and its local renew deadline has not passed
     */
    boolean isValid();

    /**
     * Completed with the reason as soon as the handle knows this term ended (at the renew deadline, on a
     * 409, on a watch showing another holder, or on close), possibly before
     * {@link LeadershipListener#revoked} is delivered. Dependent actions registered with the non-async
     * methods run on a Patternkit thread and must be quick; use the {@code *Async} forms for anything
     * else. The returned future is a view: completing or cancelling it does not affect the handle.
     *
     * @return a future of the revocation reason
     */
    CompletableFuture<RevocationReason> revokedFuture();
}
