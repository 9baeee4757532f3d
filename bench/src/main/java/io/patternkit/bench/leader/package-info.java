/**
 * The leader-election benchmark ({@link io.patternkit.bench.leader.LeaderBench}): graceful handover
 * and crash failover of Patternkit next to Curator's {@code LeaderLatch} and fabric8's
 * {@code LeaderElector}, each candidate a JVM of its own (the {@code *Candidate} mains) driven over
 * a line protocol, and the cost of the low-level renew and observe calls. Run by
 * {@code bench/run.sh}, never by the test suite.
 */
package io.patternkit.bench.leader;
