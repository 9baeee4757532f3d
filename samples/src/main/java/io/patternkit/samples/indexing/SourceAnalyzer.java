package io.patternkit.samples.indexing;

import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * A Lucene analyzer for Java source: standard tokenization, identifiers split at case changes and
 * underscores ({@code parseHttpHeader} also yields {@code parse}, {@code http}, {@code header}),
 * lower-cased, Java keywords and one-letter tokens dropped.
 */
public final class SourceAnalyzer extends Analyzer {
    /** Creates the analyzer; thread-safe like every Lucene analyzer. */
    public SourceAnalyzer() {
    }

    private static final CharArraySet JAVA_KEYWORDS = new CharArraySet(List.of(
            "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
            "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
            "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
            "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
            "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void",
            "volatile", "while", "var", "record", "yield", "sealed", "permits", "null", "true", "false",
            "the", "of", "to", "and", "a", "in", "is", "be", "it", "or", "an", "as", "by", "on", "at"), false);

    private static final int WORD_DELIMITER_FLAGS = WordDelimiterGraphFilter.GENERATE_WORD_PARTS
            | WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS
            | WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE
            | WordDelimiterGraphFilter.PRESERVE_ORIGINAL;

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        StandardTokenizer tokenizer = new StandardTokenizer();
        TokenStream stream = new WordDelimiterGraphFilter(tokenizer, WORD_DELIMITER_FLAGS, null);
        stream = new LowerCaseFilter(stream);
        stream = new LengthFilter(stream, 2, 64);
        stream = new StopFilter(stream, JAVA_KEYWORDS);
        return new TokenStreamComponents(tokenizer, stream);
    }
}
