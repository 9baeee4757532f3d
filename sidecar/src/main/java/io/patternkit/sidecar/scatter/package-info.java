/**
 * The scatter/gather root: the leaf registry (registrations with a TTL, a static list, DNS), the
 * scatter engine (fan-out with a deadline, completion policies, hedged requests within an extra-load
 * budget, failover to replicas, cancellation of losers), its HTTP routes and metrics. The engine
 * runs on one Vert.x context per call and is written against {@link io.patternkit.sidecar.scatter.TaskScheduler}
 * and {@link io.patternkit.sidecar.scatter.JsonPoster}, so tests drive it with a manual clock and
 * fake leaves. Follows The Tail at Scale (Dean and Barroso), gRPC hedging and Finagle backup requests.
 */
package io.patternkit.sidecar.scatter;
