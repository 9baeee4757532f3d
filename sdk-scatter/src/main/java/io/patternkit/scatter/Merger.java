package io.patternkit.scatter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Combines the parts of a scatter into one result, as they arrive (a left fold, like the aggregation
 * strategy of Camel's and Spring Integration's scatter-gather).
 *
 * <p>Contract: {@link #initial()} is called once per scatter, then {@link #merge} once per
 * <em>answered</em> shard, in arrival order (the order in which the root sidecar streamed them), one at a
 * time, on the thread that called {@code scatter}; failed, timed-out and skipped shards never reach the
 * merger (they are in {@link GatherResult#shards()}). An exception thrown by the merger aborts the scatter
 * (the connection is closed, which cancels the leaves still running) and propagates to the caller.
 * A merger may mutate and return the same accumulator; the one passed to a scatter must not be shared
 * with a concurrent scatter unless its {@link #initial()} returns a fresh accumulator each time (the
 * factories below do).
 *
 * @param <P> the part type (one leaf's answer)
 * @param <R> the merged result type
 */
public interface Merger<P, R> {
    /** @return the result before any part arrived; may be null */
    R initial();

    /**
     * @param merged the result so far ({@link #initial()} for the first part)
     * @param part the next answered part
     * @return the result including {@code part}
     */
    R merge(R merged, Part<P> part);

    /**
     * @param initial supplies a fresh start value per scatter; not null
     * @param merge combines the result so far with a part's value; not null
     * @param <P> the part type
     * @param <R> the result type
     * @return a merger over part values
     */
    static <P, R> Merger<P, R> of(Supplier<R> initial, BiFunction<R, P, R> merge) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(merge, "merge");
        return new Merger<>() {
            @Override
            public R initial() {
                return initial.get();
            }

            @Override
            public R merge(R merged, Part<P> part) {
                return merge.apply(merged, part.value());
            }
        };
    }

    /**
     * @param <P> the part type
     * @return a merger collecting the part values into a list, in arrival order
     */
    static <P> Merger<P, List<P>> toList() {
        return of(ArrayList::new, (list, p) -> {
            list.add(p);
            return list;
        });
    }

    /**
     * @param <P> the part type
     * @return a merger collecting the part values by shard name, in arrival order
     */
    static <P> Merger<P, Map<String, P>> byShard() {
        return new Merger<>() {
            @Override
            public Map<String, P> initial() {
                return new LinkedHashMap<>();
            }

            @Override
            public Map<String, P> merge(Map<String, P> merged, Part<P> part) {
                merged.put(part.shard(), part.value());
                return merged;
            }
        };
    }
}
