package io.patternkit.leader.internal;

import java.time.Instant;

/** The leader election's wire records, mirroring the OpenAPI schemas of the same names. Internal. */
final class Dto {
    private Dto() {
    }

    record CampaignRequest(String candidateId, long waitMs) {
    }

    record TermRequest(String candidateId, long term) {
    }

    record Lease(String election, String candidateId, Long term, Long fencingToken, Long validForMs,
            Long leaseDurationMs, Long renewDeadlineMs, Long retryPeriodMs, Instant acquiredAt) {
    }

    record Observation(String election, String leaderId, Long term, Long fencingToken, Long validForMs,
            Long leaseDurationMs, Boolean changed) {
    }

    record CampaignResult(Boolean elected, Lease lease, Observation observed) {
    }

    record ResignResult(String election, Long term, Boolean released) {
    }

    record LeaderName(String name) {
    }
}
