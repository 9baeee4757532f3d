package io.patternkit.leader.internal;

import io.patternkit.protocol.NameRule;

import io.patternkit.leader.Lease;
import io.patternkit.protocol.Wire;
import java.time.Duration;
import java.util.Objects;

/**
 * The wire's limits on {@link io.patternkit.leader.LeaderElection} arguments, checked before any call is
 * made, in one place for every implementation (the HTTP client and the in-memory fake of
 * {@code patternkit-sdk-testing}). Each check throws {@link IllegalArgumentException} (or
 * {@link NullPointerException} for a null) naming the argument, its range and the value. For the Patternkit
 * SDK modules only.
 */
public final class Arguments {
    private Arguments() {
    }

    /**
     * @param election an election name
     * @return the name, when a DNS-1123 label of at most 63 characters
     */
    public static String election(String election) {
        Objects.requireNonNull(election, "election");
        if (!NameRule.ELECTION.matches(election)) {
            throw new IllegalArgumentException(NameRule.ELECTION.rejection(election)
                    + " (a DNS-1123 label, so that it maps onto a Kubernetes Lease)");
        }
        return election;
    }

    /**
     * @param candidateId a candidate id
     * @return the id, when 1 to 253 of {@code A-Za-z0-9._:@-}, starting alphanumeric
     */
    public static String candidateId(String candidateId) {
        Objects.requireNonNull(candidateId, "candidateId");
        if (!NameRule.CANDIDATE_ID.matches(candidateId)) {
            throw new IllegalArgumentException(NameRule.CANDIDATE_ID.rejection(candidateId));
        }
        return candidateId;
    }

    /**
     * @param wait a long-poll time
     * @return the wait in milliseconds, when 0 to 20 s
     */
    public static long waitMs(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative() || wait.toMillis() > Wire.MAX_WAIT_MS) {
            throw new IllegalArgumentException("wait must be 0..20s, got " + wait);
        }
        return wait.toMillis();
    }

    /**
     * @param lease a lease to renew, resign or watch
     * @return the lease, when its election and candidate are valid
     */
    public static Lease lease(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        election(lease.election());
        candidateId(lease.candidateId());
        return lease;
    }
}
