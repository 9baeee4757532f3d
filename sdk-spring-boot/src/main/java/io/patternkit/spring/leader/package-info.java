/**
 * Leader election in a Spring application: leadership as application events
 * ({@link io.patternkit.spring.leader.LeadershipGrantedEvent}, {@link io.patternkit.spring.leader.LeadershipRevokedEvent}),
 * in the way Spring Integration's leader initiator publishes {@code OnGrantedEvent} and {@code OnRevokedEvent}, and a
 * {@link io.patternkit.leader.Leadership} that the context starts and stops.
 */
package io.patternkit.spring.leader;
