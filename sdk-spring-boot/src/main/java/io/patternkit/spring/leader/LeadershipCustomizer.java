package io.patternkit.spring.leader;

import io.patternkit.leader.Leadership;

/**
 * Adjusts the auto-configured {@link Leadership}'s builder after the {@code patternkit.leader.*} properties, in the
 * manner of Spring Boot's customizers: a clock, the campaign and watch waits, error backoffs. Every such bean is
 * applied, in {@link org.springframework.core.Ordered} order. The fakes of
 * {@link io.patternkit.spring.test.EnablePatternkitFakes} use one to put the leadership on their {@code ManualClock}.
 *
 * <p>Not the listener: the auto-configuration sets its own after the customizers, since it publishes
 * {@link LeadershipGrantedEvent} and {@link LeadershipRevokedEvent}, which restore the checkpoints and run the
 * {@link LeaderOnly} beans. Listen to those events ({@code @EventListener}) instead.
 */
@FunctionalInterface
public interface LeadershipCustomizer {
    /**
     * @param builder the builder, with the election, candidate, meters and lifecycle set
     */
    void customize(Leadership.Builder builder);
}
