package io.longdoc.search.reader;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The content words of a text, as Lucene's English analysis gives them (standard tokenizer, possessives dropped,
 * lower case, Porter stems), for the reader's lexical signal: the words that make a question specific (a name, an
 * object) are exactly those a pooled section vector blurs, and stems let "Formatting" meet "formats".
 */
public final class QuestionTerms {

    /** Question words and function words: they match every section and say nothing about the answer. */
    private static final CharArraySet STOPWORDS = new CharArraySet(List.of(
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "what", "where", "who", "whom",
        "whose", "when", "which", "why", "how", "of", "in", "on", "to", "for", "and", "or", "not", "s", "it", "its", "by",
        "with", "at", "from", "that", "this", "these", "those", "as", "i", "you", "he", "she", "we", "they", "me", "my",
        "your", "his", "her", "our", "their", "can", "could", "should", "would", "will", "there", "about", "into"
    ), false);

    /** Thread-safe: Lucene analyzers keep per-thread token streams. */
    private static final Analyzer ANALYZER = new EnglishAnalyzer(STOPWORDS);

    private QuestionTerms() {}

    public static Set<String> of(CharSequence text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream stream = ANALYZER.tokenStream("", text.toString())) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                if (term.length() > 1) {
                    terms.add(term.toString());
                }
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing a string cannot fail", e);
        }
        return terms;
    }
}
