package io.patternkit.samples.spring;

import io.patternkit.samples.indexing.TermStatsStage;
import io.patternkit.spring.workqueue.WorkQueueListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The work-queue stage of the paper: one source file in, one statistics file out, as a Spring bean method. A thrown
 * exception nacks for a retry; the stage's {@link io.patternkit.workqueue.PoisonItemException} (a file too large or
 * not UTF-8) dead-letters. Each indexed file is written to this replica's ledger, so that the demo can prove that
 * every file was indexed exactly once across replicas.
 */
public class CorpusIndexer implements AutoCloseable {
    private final SampleProperties properties;
    private final TermStatsStage stage;
    private final BufferedWriter ledger;

    CorpusIndexer(SampleProperties properties, TermStatsStage stage) {
        this.properties = properties;
        this.stage = stage;
        try {
            this.ledger = Files.newBufferedWriter(properties.ledger(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the ledger " + properties.ledger(), e);
        }
    }

    @WorkQueueListener(queue = "${sample.queue}")
    void index(Path file) throws IOException {
        Path relative = properties.inputRoot().relativize(file);
        Path output = properties.outputRoot().resolve(relative + ".json");
        Files.createDirectories(output.getParent());
        stage.process(file, output);
        record(relative);
    }

    private synchronized void record(Path relative) throws IOException {
        ledger.write(relative.toString());
        ledger.newLine();
        ledger.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        ledger.close();
    }
}
