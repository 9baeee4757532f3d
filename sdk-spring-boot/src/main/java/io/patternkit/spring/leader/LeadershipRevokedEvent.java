package io.patternkit.spring.leader;

import io.patternkit.leader.LeadershipContext;
import io.patternkit.leader.RevocationReason;
import java.util.Objects;
import org.springframework.context.ApplicationEvent;

/**
 * This instance is no longer the leader of an election: it resigned, lost its lease, saw another holder, or is
 * closing. By the time the event is published, {@link io.patternkit.leader.Leadership#isLeader()} is already false;
 * stop leader-only work at once.
 */
public final class LeadershipRevokedEvent extends ApplicationEvent {
    private static final long serialVersionUID = 1L;
    private final transient LeadershipContext context;
    private final RevocationReason reason;

    /**
     * @param source the {@link io.patternkit.leader.Leadership} that was revoked; not null
     * @param context the term that ended; not null
     * @param reason why it ended; not null
     */
    public LeadershipRevokedEvent(Object source, LeadershipContext context, RevocationReason reason) {
        super(source);
        this.context = Objects.requireNonNull(context, "context");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return the term that ended */
    public LeadershipContext context() {
        return context;
    }

    /** @return the election's name */
    public String election() {
        return context.election();
    }

    /** @return why leadership ended */
    public RevocationReason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "LeadershipRevokedEvent[" + context.election() + ", " + context.candidateId() + ", token "
                + context.fencingToken() + ", " + reason + "]";
    }
}
