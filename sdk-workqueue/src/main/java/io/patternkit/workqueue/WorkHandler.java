package io.patternkit.workqueue;

import io.patternkit.workqueue.internal.FileStageHandler;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The application's work, called by a {@link WorkQueueConsumer} once per delivery of an item. Delivery
 * is at least once: the same item may be handled again (after a crash, a lapsed visibility timeout or
 * a stale ack), so a handler should be idempotent. Called on one of the consumer's worker threads;
 * up to {@code concurrency} calls run at once.
 */
@FunctionalInterface
public interface WorkHandler {
    /**
     * Handles one item. Returning acks it. Throwing {@link PoisonItemException} dead-letters it.
     * Throwing anything else nacks it with the sidecar's exponential backoff (the reason being the
     * exception's class and message); the sidecar dead-letters it after {@code maxAttempts}. An
     * {@link Error} (a failed assertion, a class that would not load) does the same, reported to the
     * listener's {@code onFailed} wrapped in an {@link java.util.concurrent.ExecutionException}; the JVM's
     * own ({@link VirtualMachineError}) is thrown on after the item is nacked.
     *
     * @param item the delivered item; never null
     * @throws Exception any failure, as above
     */
    void handle(WorkItem item) throws Exception;

    /**
     * Adapts a file-to-file stage. The input is {@link WorkItem#file()}; the output path is computed by
     * {@code outputFor} from the input. The stage writes to a temporary file in the output's directory,
     * which is moved atomically onto the output only when the stage returns, so a killed worker never
     * leaves a half-written output. A JSON item or a missing input file is a {@link PoisonItemException}.
     *
     * @param stage the stage; not null
     * @param outputFor maps an input path to its output path; not null, must not return null
     * @return a handler running the stage
     */
    static WorkHandler fileStage(FileStage stage, Function<Path, Path> outputFor) {
        return new FileStageHandler(stage, outputFor);
    }
}
