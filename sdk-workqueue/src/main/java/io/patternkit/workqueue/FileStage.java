package io.patternkit.workqueue;

import java.nio.file.Path;

/**
 * One stage of the Burns and Oppenheimer work-queue pattern: turn an input file into an output file.
 * Adapt it to a {@link WorkHandler} with {@link WorkHandler#fileStage(FileStage, java.util.function.Function)},
 * which gives the stage a temporary output path and renames it into place only on success.
 */
@FunctionalInterface
public interface FileStage {
    /**
     * Processes one input file.
     *
     * @param input the item's input file; exists and is readable when called
     * @param output where to write the result: a temporary file next to the final output, which exists and
     *     is empty when called; the stage overwrites it
     * @throws Exception to nack the item with backoff; {@link PoisonItemException} to dead-letter it
     */
    void process(Path input, Path output) throws Exception;
}
