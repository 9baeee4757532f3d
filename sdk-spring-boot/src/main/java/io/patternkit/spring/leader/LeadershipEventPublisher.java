package io.patternkit.spring.leader;

import io.patternkit.leader.LeadershipContext;
import io.patternkit.leader.LeadershipListener;
import io.patternkit.leader.RevocationReason;
import java.util.Objects;
import org.springframework.context.ApplicationEventPublisher;

/**
 * A {@link LeadershipListener} that publishes {@link LeadershipGrantedEvent} and {@link LeadershipRevokedEvent} to the
 * application context.
 */
public final class LeadershipEventPublisher implements LeadershipListener {
    private final ApplicationEventPublisher publisher;
    private volatile Object source = this;

    /** @param publisher the context's publisher; not null */
    public LeadershipEventPublisher(ApplicationEventPublisher publisher) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    /**
     * @param source what the events name as their source, normally the {@link io.patternkit.leader.Leadership}
     *     this listener belongs to; not null
     */
    public void source(Object source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public void elected(LeadershipContext context) {
        publisher.publishEvent(new LeadershipGrantedEvent(source, context));
    }

    @Override
    public void revoked(LeadershipContext context, RevocationReason reason) {
        publisher.publishEvent(new LeadershipRevokedEvent(source, context, reason));
    }
}
