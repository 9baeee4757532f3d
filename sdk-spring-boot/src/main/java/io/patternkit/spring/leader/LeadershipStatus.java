package io.patternkit.spring.leader;

import io.patternkit.leader.LeaderElection;
import io.patternkit.leader.LeaderElectionClient;
import io.patternkit.leader.Leadership;
import io.patternkit.core.SidecarReadiness;
import io.patternkit.spring.StatusContributor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Leader election's part of the application's Patternkit status: the sidecar (its URL, and its readiness when asked)
 * and, when the application campaigns, its election, candidate id, whether it leads, its fencing token and the
 * leader it last observed.
 */
public final class LeadershipStatus implements StatusContributor {
    private final LeaderElection election;
    private final Leadership leadership;

    /**
     * @param election the application's leader election: a {@link LeaderElectionClient} has a sidecar to describe
     * @param leadership the application's leadership; null when it does not campaign
     */
    public LeadershipStatus(LeaderElection election, Leadership leadership) {
        this.election = Objects.requireNonNull(election, "election");
        this.leadership = leadership;
    }

    @Override
    public Optional<SidecarReadiness> sidecarReadiness() {
        return StatusContributor.readinessOf(election);
    }

    @Override
    public String name() {
        return "leader";
    }

    @Override
    public Map<String, Object> status(boolean probeSidecar) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("sidecar", StatusContributor.sidecar(election, probeSidecar));
        if (leadership != null) {
            Map<String, Object> campaign = new LinkedHashMap<>();
            campaign.put("election", leadership.election());
            campaign.put("candidateId", leadership.candidateId());
            campaign.put("leader", leadership.isLeader());
            leadership.fencingToken().ifPresent(token -> campaign.put("fencingToken", token));
            leadership.lastObserved().ifPresent(seen -> {
                seen.leader().ifPresent(holder -> campaign.put("observedLeader", holder));
                campaign.put("observedTerm", seen.term());
            });
            status.put("leadership", campaign);
        }
        return status;
    }
}
