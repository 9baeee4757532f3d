package io.patternkit.leader;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A candidate's lease on an election, as the sidecar holds it for the candidate: the term it won, the
 * fencing token of that term, and the timings (client-go's lease duration, renew deadline and retry period).
 * Returned by {@link LeaderElection#becomeLeader} and {@link LeaderElection#renewLeadership}; pass it back to
 * renew, resign or watch. Immutable.
 *
 * <p>{@code validFor} is measured from the moment the sidecar answered: the holder may act as leader for at
 * most that long without another successful renew. A caller that wants a local deadline adds it to the time
 * it <em>sent</em> the request that produced this lease (never the time the answer arrived), which is what
 * {@link Leadership} does.
 *
 * @param election the election's name; never null
 * @param candidateId the holder, the caller; never null
 * @param term the term the caller holds, from 1; every acquisition starts a new term
 * @param fencingToken strictly increasing across the election's terms, from 1; stamp it on every
 *     downstream write (Kleppmann, "How to do distributed locking")
 * @param validFor how long the caller may still act as leader without another renew (up to the renew
 *     deadline); never negative
 * @param leaseDuration how long other candidates wait after the last renew before taking over
 * @param renewDeadline how long after a successful renew the sidecar still calls the caller leader; shorter
 *     than {@code leaseDuration}
 * @param retryPeriod how often the holder should renew and candidates retry
 * @param acquiredAt when the term began (the sidecar's wall clock, for display only)
 */
public record Lease(String election, String candidateId, long term, long fencingToken, Duration validFor,
        Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, Instant acquiredAt) {

    /**
     * Checks that the components are present and in range.
     *
     * @param election see {@link #election()}
     * @param candidateId see {@link #candidateId()}
     * @param term see {@link #term()}
     * @param fencingToken see {@link #fencingToken()}
     * @param validFor see {@link #validFor()}
     * @param leaseDuration see {@link #leaseDuration()}
     * @param renewDeadline see {@link #renewDeadline()}
     * @param retryPeriod see {@link #retryPeriod()}
     * @param acquiredAt see {@link #acquiredAt()}
     * @throws IllegalArgumentException when a term or token is below 1, or a duration is negative
     */
    public Lease {
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(candidateId, "candidateId");
        Objects.requireNonNull(validFor, "validFor");
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        Objects.requireNonNull(renewDeadline, "renewDeadline");
        Objects.requireNonNull(retryPeriod, "retryPeriod");
        Objects.requireNonNull(acquiredAt, "acquiredAt");
        if (term < 1 || fencingToken < 1) {
            throw new IllegalArgumentException("term and fencingToken must be at least 1, got " + term + " and "
                    + fencingToken);
        }
        if (validFor.isNegative() || leaseDuration.isNegative() || renewDeadline.isNegative()
                || retryPeriod.isNegative()) {
            throw new IllegalArgumentException("lease durations must not be negative");
        }
    }

    /**
     * @param renewed the answer of a renew of this lease
     * @return true when {@code renewed} is the same term of the same election and holder
     */
    public boolean sameTerm(Lease renewed) {
        return renewed != null && renewed.term == term && renewed.election.equals(election)
                && renewed.candidateId.equals(candidateId);
    }
}
