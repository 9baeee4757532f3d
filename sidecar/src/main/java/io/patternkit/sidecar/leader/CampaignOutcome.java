package io.patternkit.sidecar.leader;

import java.util.Optional;

/**
 * The answer to a campaign.
 *
 * @param lease the candidate's lease when elected, empty otherwise
 * @param observed the election as it stood at the answer
 */
public record CampaignOutcome(Optional<Lease> lease, LeaseRecord observed) {

    /** @return whether the candidate was elected (or already held the lease) */
    public boolean elected() {
        return lease.isPresent();
    }
}
