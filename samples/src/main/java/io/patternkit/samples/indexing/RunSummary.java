package io.patternkit.samples.indexing;

import java.util.List;

/**
 * What one run of the indexing job did, as printed at the end and written to {@code summary.json}.
 *
 * @param files input files in the corpus
 * @param enqueued items the producer enqueued (duplicates excluded)
 * @param processed items acked after their output was written
 * @param redelivered items delivered more than once before they were settled
 * @param processedTwice items whose handler completed more than once (at-least-once delivery)
 * @param deadLettered items in the dead-letter queue
 * @param lost input files with neither an output nor a dead-letter entry; must be 0
 * @param seconds wall time from the first enqueue to the last item settled
 * @param itemsPerSecond settled items per second over that time
 * @param killedWorker whether a worker was killed with {@code kill -9} during the run
 * @param drain the drained worker's report, or null when no worker was drained
 * @param deadLetterReasons a sample of the reasons items were dead-lettered
 */
record RunSummary(int files, long enqueued, long processed, long redelivered, long processedTwice,
        long deadLettered, long lost, double seconds, double itemsPerSecond, boolean killedWorker,
        WorkerDrain drain, List<String> deadLetterReasons) {
}
