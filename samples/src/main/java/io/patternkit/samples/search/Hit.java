package io.patternkit.samples.search;

import java.util.Comparator;

/**
 * One search hit: a source file (by its path relative to the corpus root) and its BM25 score.
 *
 * @param path the file's path relative to the corpus root, with {@code /} separators
 * @param score the BM25 score over the global statistics
 */
public record Hit(String path, float score) {
    /** Best first: higher score, then path order, so that every node breaks ties alike. */
    public static final Comparator<Hit> BEST_FIRST =
            Comparator.comparingDouble((Hit h) -> h.score).reversed().thenComparing(Hit::path);
}
