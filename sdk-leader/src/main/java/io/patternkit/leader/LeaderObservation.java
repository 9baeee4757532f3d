package io.patternkit.leader;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An election as the sidecar saw it at one moment: who leads (if anyone), in which term, with which
 * fencing token, and for how much longer the lease can last without a renew. Returned by
 * {@link LeaderElection#currentLeader}, {@link LeaderElection#watch} and inside a {@link CampaignResult}.
 * Immutable.
 *
 * @param election the election's name; never null
 * @param leader the holder of a live lease, or empty while the election is vacant; never null
 * @param term the latest term, 0 before anyone was elected
 * @param fencingToken the latest term's fencing token, 0 before anyone was elected
 * @param validFor how long the current lease can still last without a renew, as the sidecar saw it
 *     (zero while vacant); never negative
 * @param leaseDuration the election's lease duration
 * @param changed for a watch, whether the election differed from what the caller passed; true for a plain
 *     observation
 */
public record LeaderObservation(String election, Optional<String> leader, long term, long fencingToken,
        Duration validFor, Duration leaseDuration, boolean changed) {

    /**
     * Checks that the components are present and in range.
     *
     * @param election see {@link #election()}
     * @param leader see {@link #leader()}
     * @param term see {@link #term()}
     * @param fencingToken see {@link #fencingToken()}
     * @param validFor see {@link #validFor()}
     * @param leaseDuration see {@link #leaseDuration()}
     * @param changed see {@link #changed()}
     * @throws IllegalArgumentException when a term, token or duration is negative
     */
    public LeaderObservation {
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(validFor, "validFor");
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        if (term < 0 || fencingToken < 0 || validFor.isNegative() || leaseDuration.isNegative()) {
            throw new IllegalArgumentException("term, fencingToken and durations must not be negative");
        }
    }

    /**
     * An observation of nothing: term 0, no leader. Pass it as {@code lastSeen} to a first
     * {@link LeaderElection#watch}, which then answers at once with the election as it is.
     *
     * @param election the election's name; not null
     * @return the empty observation
     */
    public static LeaderObservation none(String election) {
        return new LeaderObservation(election, Optional.empty(), 0, 0, Duration.ZERO, Duration.ZERO, false);
    }

    /** @return true when someone holds a live lease */
    public boolean hasLeader() {
        return leader.isPresent();
    }

    /**
     * @param candidateId a candidate id; not null
     * @return true when that candidate holds the lease
     */
    public boolean isLeader(String candidateId) {
        return leader.isPresent() && leader.get().equals(candidateId);
    }

    /**
     * @param other another observation of the same election, or null
     * @return true when the leader or the term differs (what a watch waits for); true for null
     */
    public boolean differsFrom(LeaderObservation other) {
        return other == null || other.term != term || !other.leader.equals(leader);
    }
}
