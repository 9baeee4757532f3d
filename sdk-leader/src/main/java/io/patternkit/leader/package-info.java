/**
 * Patternkit leader election: a typed client of the leader-election sidecar
 * ({@link io.patternkit.leader.LeaderElectionClient} implementing {@link io.patternkit.leader.LeaderElection}:
 * campaign, renew, resign, observe, watch) and the managed {@link io.patternkit.leader.Leadership} handle that
 * campaigns, renews every retry period, keeps a release-on-disconnect watch open while leading, stops calling
 * itself leader at the local renew deadline and reports {@link io.patternkit.leader.LeadershipListener events}
 * with the term's fencing token.
 */
package io.patternkit.leader;
