/**
 * Test support for Patternkit: {@link io.patternkit.testing.SidecarProcess} runs a real sidecar process, and
 * {@link io.patternkit.testing.Sidecar} starts one for a JUnit 5 test class or test;
 * {@link io.patternkit.testing.InMemoryWorkQueue} and {@link io.patternkit.testing.InMemoryLeaderElection}
 * are faithful in-memory fakes of the work queue and of leader election, with time from a
 * {@link io.patternkit.testing.ManualClock}; {@link io.patternkit.testing.WorkQueueCompatibilityKit} and
 * {@link io.patternkit.testing.LeaderElectionCompatibilityKit} are the abstract JUnit 5 suites that the fakes
 * and the real sidecars both pass. {@link io.patternkit.testing.InMemoryScatter} runs scatter/gather
 * in-process with Java leaves.
 */
package io.patternkit.testing;
