package io.patternkit.spring.leader;

import io.patternkit.leader.LeadershipContext;
import java.util.Objects;
import org.springframework.context.ApplicationEvent;

/**
 * This instance became the leader of an election. Published synchronously on the leadership's event thread, in
 * order with the matching {@link LeadershipRevokedEvent}; a listener that works for long should hand the work to its
 * own executor, and must stop that work on the revocation. Pass {@link #fencingToken()} with every write that only
 * the leader may make, so that a store can refuse a deposed leader's late writes.
 */
public final class LeadershipGrantedEvent extends ApplicationEvent {
    private static final long serialVersionUID = 1L;
    private final transient LeadershipContext context;

    /**
     * @param source the {@link io.patternkit.leader.Leadership} that was granted; not null
     * @param context the term just won; not null
     */
    public LeadershipGrantedEvent(Object source, LeadershipContext context) {
        super(source);
        this.context = Objects.requireNonNull(context, "context");
    }

    /** @return the term: election, candidate, term number, fencing token, lease, and whether it is still valid */
    public LeadershipContext context() {
        return context;
    }

    /** @return the election's name */
    public String election() {
        return context.election();
    }

    /** @return the term's fencing token, increasing with every new term of the election */
    public long fencingToken() {
        return context.fencingToken();
    }

    @Override
    public String toString() {
        return "LeadershipGrantedEvent[" + context.election() + ", " + context.candidateId() + ", token "
                + context.fencingToken() + "]";
    }
}
