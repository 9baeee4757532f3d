/**
 * Scatter/gather (The Tail at Scale; Burns and Oppenheimer's scatter/gather pattern): the root side
 * ({@link io.patternkit.scatter.ScatterGather}, over HTTP by {@link io.patternkit.scatter.ScatterClient})
 * fans a request out to every shard of a pool through the root sidecar, which applies the deadline,
 * completion policy and hedging, and returns every shard's {@link io.patternkit.scatter.ShardOutcome};
 * the parts are merged as they arrive by a {@link io.patternkit.scatter.Merger}, or by a merge container.
 * A partial answer is never silent: {@link io.patternkit.scatter.GatherResult#value()} throws
 * {@link io.patternkit.scatter.PartialResultException}. The leaf side
 * ({@link io.patternkit.scatter.ScatterLeaf}) serves a {@link io.patternkit.scatter.LeafHandler} on the
 * application's {@link io.patternkit.management.ManagementServer} and keeps it registered with the root.
 */
package io.patternkit.scatter;
