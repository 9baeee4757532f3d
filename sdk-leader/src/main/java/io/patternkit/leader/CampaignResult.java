package io.patternkit.leader;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a campaign ({@link LeaderElection#becomeLeader}): elected with a lease, or not elected
 * within the wait, with the election as observed (naming the current leader). Immutable.
 *
 * @param elected true when the caller holds the lease now
 * @param lease the caller's lease when elected, else empty; never null
 * @param observed the election as the sidecar saw it when answering; never null
 */
public record CampaignResult(boolean elected, Optional<Lease> lease, LeaderObservation observed) {
    /**
     * Checks that the components are consistent.
     *
     * @param elected see {@link #elected()}
     * @param lease see {@link #lease()}
     * @param observed see {@link #observed()}
     * @throws IllegalArgumentException when {@code elected} and the presence of the lease disagree
     */
    public CampaignResult {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(observed, "observed");
        if (elected != lease.isPresent()) {
            throw new IllegalArgumentException("a campaign result has a lease exactly when elected");
        }
    }
}
