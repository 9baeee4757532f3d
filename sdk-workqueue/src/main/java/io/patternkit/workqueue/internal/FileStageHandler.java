package io.patternkit.workqueue.internal;

import io.patternkit.workqueue.FileStage;
import io.patternkit.workqueue.PoisonItemException;
import io.patternkit.workqueue.WorkHandler;
import io.patternkit.workqueue.WorkItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.function.Function;

/** The {@link WorkHandler#fileStage} adapter: temp file in the output's directory, atomic rename on success. Internal. */
public final class FileStageHandler implements WorkHandler {
    private final FileStage stage;
    private final Function<Path, Path> outputFor;

    /**
     * @param stage the stage
     * @param outputFor maps an input to its output path
     */
    public FileStageHandler(FileStage stage, Function<Path, Path> outputFor) {
        this.stage = Objects.requireNonNull(stage, "stage");
        this.outputFor = Objects.requireNonNull(outputFor, "outputFor");
    }

    @Override
    public void handle(WorkItem item) throws Exception {
        Path input = item.file().orElseThrow(() -> new PoisonItemException("item " + item.id()
                + " has no local input file (fileRef " + item.fileRef().orElse("absent") + ")"));
        if (!Files.isRegularFile(input)) {
            throw new PoisonItemException("input file " + input + " of item " + item.id() + " does not exist");
        }
        Path output = Objects.requireNonNull(outputFor.apply(input), "outputFor returned null for " + input)
                .toAbsolutePath();
        Path dir = output.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + output.getFileName() + ".", ".part");
        try {
            stage.process(input, temp);
            Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
