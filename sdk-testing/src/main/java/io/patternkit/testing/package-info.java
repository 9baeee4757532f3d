/**
 * Test support for Patternkit: {@link io.patternkit.testing.SidecarProcess} runs a real sidecar process;
 * {@link io.patternkit.testing.InMemoryWorkQueue} is a faithful in-memory fake of the work queue, with
 * time from a {@link io.patternkit.testing.ManualClock}; {@link io.patternkit.testing.WorkQueueCompatibilityKit}
 * is the abstract JUnit 5 suite that the fake and the real sidecar both pass.
 * {@link io.patternkit.testing.InMemoryScatter} runs scatter/gather in-process with Java leaves.
 */
package io.patternkit.testing;
