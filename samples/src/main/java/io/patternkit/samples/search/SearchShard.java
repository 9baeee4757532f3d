package io.patternkit.samples.search;

import io.patternkit.samples.indexing.SourceAnalyzer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * A Lucene index over one shard of the corpus, in memory, searched with statistics from every
 * shard so that its scores equal those of one index over all the data.
 *
 * <p>Documents have a {@code path} (stored, sortable, for tie-breaks) and a {@code body} analysed
 * by {@link SourceAnalyzer}; a query is the analysed terms of its text, any of which may match
 * (BM25). Thread-safe once built.
 */
public final class SearchShard implements AutoCloseable {
    static final String PATH = "path";
    static final String BODY = "body";
    private static final Analyzer ANALYZER = new SourceAnalyzer();
    private static final Sort BEST_FIRST = new Sort(SortField.FIELD_SCORE, new SortField(PATH, SortField.Type.STRING));

    private final ByteBuffersDirectory directory;
    private final DirectoryReader reader;

    private SearchShard(ByteBuffersDirectory directory, DirectoryReader reader) {
        this.directory = directory;
        this.reader = reader;
    }

    /**
     * Indexes the files of one shard.
     *
     * @param root the corpus root; a document's path is the file's path relative to it
     * @param files the shard's files (not UTF-8 bytes are replaced, as a search index may)
     * @return the searchable shard
     * @throws UncheckedIOException when a file cannot be read
     */
    public static SearchShard build(Path root, List<Path> files) {
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(ANALYZER))) {
            for (Path file : files) {
                String path = Sharding.relativePath(root, file);
                Document doc = new Document();
                doc.add(new StringField(PATH, path, Field.Store.YES));
                doc.add(new SortedDocValuesField(PATH, new BytesRef(path)));
                doc.add(new TextField(BODY, Files.readString(file, StandardCharsets.ISO_8859_1), Field.Store.NO));
                writer.addDocument(doc);
            }
            writer.forceMerge(1);
            writer.commit();
            return new SearchShard(directory, DirectoryReader.open(directory));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return how many documents the shard holds */
    public int documents() {
        return reader.numDocs();
    }

    /**
     * The analysed terms of a query text, distinct, in order of first appearance.
     *
     * @param text what the user typed, such as {@code "concurrent hash map"}
     * @return the terms that will be searched; empty when nothing in the text is searchable
     */
    public static List<String> terms(String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream stream = ANALYZER.tokenStream(BODY, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(terms);
    }

    /**
     * Phase one: this shard's statistics for the query terms.
     *
     * @param terms analysed query terms, from {@link #terms(String)}
     * @return the shard's statistics
     */
    public TermStats stats(List<String> terms) {
        try {
            IndexSearcher searcher = new IndexSearcher(reader);
            CollectionStatistics collection = searcher.collectionStatistics(BODY);
            Map<String, TermStats.Term> perTerm = new LinkedHashMap<>();
            for (String term : terms) {
                Term t = new Term(BODY, term);
                perTerm.put(term, new TermStats.Term(reader.docFreq(t), reader.totalTermFreq(t)));
            }
            return collection == null ? new TermStats(0, 0, 0, perTerm)
                    : new TermStats(collection.docCount(), collection.sumTotalTermFreq(), collection.sumDocFreq(), perTerm);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Phase two: this shard's best hits, scored with the global statistics.
     *
     * @param terms analysed query terms
     * @param global the statistics summed over every shard
     * @param limit most hits to return
     * @return at most {@code limit} hits, best first ({@link Hit#BEST_FIRST})
     */
    public List<Hit> search(List<String> terms, TermStats global, int limit) {
        if (terms.isEmpty() || limit <= 0) {
            return List.of();
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        terms.forEach(term -> query.add(new TermQuery(new Term(BODY, term)), BooleanClause.Occur.SHOULD));
        try {
            IndexSearcher searcher = new GlobalStatsSearcher(reader, global);
            Query rewritten = searcher.rewrite(query.build());
            TopFieldDocs top = searcher.search(rewritten, limit, BEST_FIRST, true);
            List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc doc : top.scoreDocs) {
                hits.add(new Hit(searcher.storedFields().document(doc.doc).get(PATH), doc.score));
            }
            return hits;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
        directory.close();
    }

    /** Scores with statistics from every shard instead of this shard's own. */
    private static final class GlobalStatsSearcher extends IndexSearcher {
        private final TermStats global;

        GlobalStatsSearcher(IndexReader reader, TermStats global) {
            super(reader);
            this.global = global;
        }

        @Override
        public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq) throws IOException {
            TermStats.Term freq = global.terms().get(term.text());
            return freq == null || freq.docFreq() == 0 ? super.termStatistics(term, docFreq, totalTermFreq)
                    : new TermStatistics(term.bytes(), freq.docFreq(), freq.totalTermFreq());
        }

        @Override
        public CollectionStatistics collectionStatistics(String field) throws IOException {
            if (!BODY.equals(field) || global.docCount() == 0) {
                return super.collectionStatistics(field);
            }
            return new CollectionStatistics(field, global.docCount(), global.docCount(),
                    global.sumTotalTermFreq(), global.sumDocFreq());
        }
    }
}
