package io.patternkit.sidecar.leader;

/**
 * An election as observed, and for a watch whether it differs from what the caller last saw.
 *
 * @param lease the lease as the engine has it
 * @param changed for a watch, whether {@code (term, leader)} differs from the caller's; true for a plain observe
 */
public record Observation(LeaseRecord lease, boolean changed) {
}
