package io.patternkit.bench.leader;

import java.util.concurrent.Callable;

/**
 * One kind of low-level call whose cost the benchmark measures.
 *
 * @param contender the contender's key
 * @param operation {@code renew} or {@code observe}
 * @param what what exactly is called, for the table
 * @param call makes one call; its result is ignored, an exception stops the benchmark
 */
record CallProbe(String contender, String operation, String what, Callable<?> call) {
}
