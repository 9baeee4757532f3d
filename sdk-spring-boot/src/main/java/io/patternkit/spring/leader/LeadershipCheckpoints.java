package io.patternkit.spring.leader;

import io.patternkit.leader.Leadership;
import io.patternkit.spring.lifecycle.CheckpointFence;
import io.patternkit.spring.lifecycle.CheckpointHooks;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Leadership handover with state in a Spring application: {@link io.patternkit.spring.lifecycle.PatternkitCheckpoint}
 * saves go out only from the leader, fenced by its token, and when this instance is elected its
 * {@link io.patternkit.spring.lifecycle.PatternkitRestore} methods get the predecessor's state with the new token
 * before any other listener hears the grant (this one is ordered first), so before the {@link LeaderOnly} beans start.
 * A restore that fails is rethrown, which keeps the grant from the later listeners: no leader-only bean starts on a
 * state it could not read.
 */
public final class LeadershipCheckpoints implements CheckpointFence {
    private static final Logger log = LoggerFactory.getLogger(LeadershipCheckpoints.class);
    private final Leadership leadership;
    private final ObjectProvider<CheckpointHooks> hooks;

    /**
     * @param leadership the application's leadership
     * @param hooks the checkpoint methods, if the application has the hooks
     */
    public LeadershipCheckpoints(Leadership leadership, ObjectProvider<CheckpointHooks> hooks) {
        this.leadership = leadership;
        this.hooks = hooks;
    }

    @Override
    public OptionalLong currentToken() {
        return leadership.fencingToken();
    }

    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void granted(LeadershipGrantedEvent event) {
        CheckpointHooks h = hooks.getIfAvailable();
        if (h == null) {
            return;
        }
        try {
            h.restore(event.fencingToken());
        } catch (RuntimeException e) {
            log.error("Leading {} (token {}), but the checkpoints could not be restored; the @LeaderOnly beans do not"
                    + " start, and the term is given up for another candidate", event.election(), event.fencingToken(), e);
            throw e;
        }
    }
}
