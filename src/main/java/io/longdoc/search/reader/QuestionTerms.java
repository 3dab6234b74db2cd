package io.longdoc.search.reader;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The content words of a text, lower-cased, for the reader's lexical signal: the words that make a question
 * specific (a name, an object) are exactly those a pooled section vector blurs.
 */
public final class QuestionTerms {

    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    /** Question words and function words: they match every section and say nothing about the answer. */
    private static final Set<String> STOPWORDS = Set.of(
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "what", "where", "who", "whom",
        "whose", "when", "which", "why", "how", "of", "in", "on", "to", "for", "and", "or", "not", "s", "it", "its", "by",
        "with", "at", "from", "that", "this", "these", "those", "as", "i", "you", "he", "she", "we", "they", "me", "my",
        "your", "his", "her", "our", "their", "can", "could", "should", "would", "will", "there", "about", "into"
    );

    private QuestionTerms() {}

    public static Set<String> of(CharSequence text) {
        Set<String> terms = new LinkedHashSet<>();
        for (String word : NON_WORD.split(text.toString().toLowerCase(Locale.ROOT))) {
            if (word.length() > 1 && STOPWORDS.contains(word) == false) {
                terms.add(word);
            }
        }
        return terms;
    }
}
