package io.patternkit.samples.leader;

import io.patternkit.samples.indexing.SourceAnalyzer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The leader's periodic task over the corpus: the corpus, in name order, cut into batches; a batch's
 * report is its files, lines, tokens and most frequent term. Only the leader computes and writes
 * reports, one batch after the other, so that each batch is reported once.
 */
final class CorpusReport {
    private final List<Path> files;
    private final int batchSize;
    private final Analyzer analyzer = new SourceAnalyzer();

    private CorpusReport(List<Path> files, int batchSize) {
        this.files = files;
        this.batchSize = batchSize;
    }

    /**
     * @param root a directory of source files
     * @param batchSize files per batch
     */
    static CorpusReport of(Path root, int batchSize) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return new CorpusReport(walk.filter(Files::isRegularFile).sorted().toList(), batchSize);
        }
    }

    int batches() {
        return (files.size() + batchSize - 1) / batchSize;
    }

    /** The store key of batch {@code index}; keys sort in batch order. */
    static String key(int index) {
        return String.format("batch-%06d", index);
    }

    /** The index of the batch after the one {@code lastKey} names (0 when null). */
    static int nextAfter(String lastKey) {
        return lastKey == null ? 0 : Integer.parseInt(lastKey.substring("batch-".length())) + 1;
    }

    /** Computes the report of one batch (real work: reads and analyses every file of the batch). */
    String compute(int index) {
        int from = index * batchSize;
        List<Path> batch = files.subList(from, Math.min(files.size(), from + batchSize));
        long lines = 0;
        long tokens = 0;
        Map<String, Integer> counts = new HashMap<>();
        for (Path file : batch) {
            try {
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                lines += text.lines().count();
                try (TokenStream stream = analyzer.tokenStream("body", text)) {
                    CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
                    stream.reset();
                    while (stream.incrementToken()) {
                        tokens++;
                        counts.merge(term.toString(), 1, Integer::sum);
                    }
                    stream.end();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String top = counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).orElse("");
        return String.format("{\"files\":%d,\"lines\":%d,\"tokens\":%d,\"topTerm\":\"%s\"}", batch.size(), lines, tokens, top);
    }
}
