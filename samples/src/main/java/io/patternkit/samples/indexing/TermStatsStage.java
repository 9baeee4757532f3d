package io.patternkit.samples.indexing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patternkit.workqueue.FileStage;
import io.patternkit.workqueue.PoisonItemException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The Burns work-queue stage of the indexing job: one Java source file in, one JSON file of term
 * statistics out ({@code {"tokens": n, "terms": {"term": count, ...}}}, most frequent first).
 *
 * <p>Files that cannot be indexed are poison, not transient failures, so they go straight to the
 * dead-letter queue with a reason: bytes that are not UTF-8, and files larger than the size limit
 * (in the JDK these are generated charset tables, noise for a search index).
 *
 * <p>Public so that the benchmarks can run the same stage without the queue; thread-safe (the
 * analyzer keeps one token stream per thread).
 */
public final class TermStatsStage implements FileStage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Analyzer analyzer = new SourceAnalyzer();
    private final long maxFileBytes;

    /**
     * Creates the stage.
     *
     * @param maxFileBytes sources larger than this are dead-lettered as poison
     */
    public TermStatsStage(long maxFileBytes) {
        this.maxFileBytes = maxFileBytes;
    }

    /**
     * Writes the term statistics of one source file.
     *
     * @param input a Java source file
     * @param output where the JSON document goes (overwritten)
     * @throws IOException when the input cannot be read or the output written
     * @throws PoisonItemException when the input is too large or not UTF-8
     */
    @Override
    public void process(Path input, Path output) throws IOException {
        long size = Files.size(input);
        if (size > maxFileBytes) {
            throw new PoisonItemException("source is " + size + " bytes, over the " + maxFileBytes
                    + "-byte limit (generated tables are not indexed)");
        }
        String text = decodeUtf8(Files.readAllBytes(input));
        Map<String, Integer> counts = new HashMap<>();
        int tokens = countTerms(text, counts);
        ObjectNode doc = JSON.createObjectNode();
        doc.put("tokens", tokens);
        ObjectNode terms = doc.putObject("terms");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> terms.put(e.getKey(), e.getValue()));
        JSON.writeValue(output.toFile(), doc);
    }

    private int countTerms(String text, Map<String, Integer> counts) {
        int tokens = 0;
        try (TokenStream stream = analyzer.tokenStream("body", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                counts.merge(term.toString(), 1, Integer::sum);
                tokens++;
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tokens;
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PoisonItemException("source is not valid UTF-8: " + e.getMessage());
        }
    }
}
