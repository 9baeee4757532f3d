package io.patternkit.leader;

import io.patternkit.core.ConflictException;

/**
 * 409 {@code lease-lost}: the caller does not hold the election's lease in the term it named. The lease
 * expired (renewals did not reach the sidecar before the renew deadline), another candidate took over, the
 * caller resigned already, or it never held that term. The caller is no longer leader and must stop acting
 * as one at once; writes it makes from now on must be refused downstream by their fencing token. Do not
 * retry the renew or resign: campaign again ({@link LeaderElection#becomeLeader}) to compete for a new term.
 */
public class LeaseLostException extends ConflictException {
    private static final long serialVersionUID = 1L;

    /**
     * @param operation the operation that found the lease lost, such as {@code renewLeadership}
     * @param cause the generic conflict as mapped from the wire
     */
    public LeaseLostException(String operation, ConflictException cause) {
        super(operation + ": the lease is lost: the caller no longer holds the election in the term it named; stop "
                + "acting as leader and campaign again (" + cause.getMessage() + ")", cause.problemType().orElse(null),
                cause);
    }
}
