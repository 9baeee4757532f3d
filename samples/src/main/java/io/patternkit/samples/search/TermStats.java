package io.patternkit.samples.search;

import java.util.Map;
import java.util.TreeMap;

/**
 * Index statistics for one query over one shard, or (after {@link #plus}) over every shard: what
 * BM25 needs to score a document the same way a single index over all the data would. This is the
 * first of the two scatter rounds of Elasticsearch's {@code dfs_query_then_fetch}: gather the
 * statistics, then search every shard with the global ones.
 *
 * @param docCount documents with the body field
 * @param sumTotalTermFreq tokens in the body field over all documents
 * @param sumDocFreq postings in the body field over all terms
 * @param terms per query term, its document frequency and total frequency
 */
public record TermStats(long docCount, long sumTotalTermFreq, long sumDocFreq, Map<String, Term> terms) {
    /**
     * Frequencies of one term.
     *
     * @param docFreq documents that contain the term
     * @param totalTermFreq occurrences of the term over all documents
     */
    public record Term(long docFreq, long totalTermFreq) {
        Term plus(Term other) {
            return new Term(docFreq + other.docFreq, totalTermFreq + other.totalTermFreq);
        }
    }

    /** Statistics of nothing: the identity of {@link #plus}. */
    public static final TermStats EMPTY = new TermStats(0, 0, 0, Map.of());

    /**
     * Copies {@code terms} into an ordered, immutable map.
     *
     * @param docCount documents with the body field
     * @param sumTotalTermFreq tokens in the body field over all documents
     * @param sumDocFreq postings in the body field over all terms
     * @param terms per query term, its document frequency and total frequency
     */
    public TermStats {
        terms = Map.copyOf(new TreeMap<>(terms));
    }

    /**
     * Adds the statistics of another shard.
     *
     * @param other the other shard's statistics for the same query
     * @return the sum
     */
    public TermStats plus(TermStats other) {
        Map<String, Term> sum = new TreeMap<>(terms);
        other.terms.forEach((term, freq) -> sum.merge(term, freq, Term::plus));
        return new TermStats(docCount + other.docCount, sumTotalTermFreq + other.sumTotalTermFreq,
                sumDocFreq + other.sumDocFreq, sum);
    }
}
