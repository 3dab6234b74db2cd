package io.longdoc.eval;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code semantic-text}'s chunks: Elasticsearch's default chunking settings for {@code semantic_text}, the
 * {@code sentence} strategy with {@code max_chunk_size} 250 words and {@code sentence_overlap} 1. Sentences are
 * added to a chunk greedily while it stays within 250 words; the next chunk starts again at the previous chunk's
 * last sentence; a sentence longer than the limit is cut on word boundaries into pieces of at most 250 words.
 * Elasticsearch breaks sentences and words with ICU4J's {@code BreakIterator}; ICU is not on this class path, so the
 * JDK's {@link BreakIterator} (the same Unicode segmentation rules, UAX #29, without ICU's dictionaries) stands in,
 * and a word is a segment holding a letter or a digit (ICU's {@code WORD_NONE} status marks the others).
 */
final class SentenceChunker {

    static final int MAX_WORDS = 250;

    private SentenceChunker() {}

    /** A chunk: characters {@code [start, end)} of the text and the words it holds. */
    record Chunk(int start, int end, int words) {}

    static List<Chunk> chunk(String text) {
        return chunk(text, MAX_WORDS);
    }

    static List<Chunk> chunk(String text, int maxWords) {
        List<int[]> sentences = new ArrayList<>(); // [start, end, words]
        BreakIterator sentenceBreaks = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentenceBreaks.setText(text);
        for (int start = sentenceBreaks.first(), end = sentenceBreaks.next(); end != BreakIterator.DONE; start = end, end = sentenceBreaks.next()) {
            List<int[]> words = words(text, start, end);
            if (words.isEmpty()) {
                continue;
            }
            // a sentence over the limit becomes pieces of at most maxWords words
            for (int from = 0; from < words.size(); from += maxWords) {
                int to = Math.min(words.size(), from + maxWords);
                int pieceStart = from == 0 ? start : words.get(from)[0];
                int pieceEnd = to == words.size() ? end : words.get(to)[0];
                sentences.add(new int[] { pieceStart, pieceEnd, to - from });
            }
        }
        List<Chunk> chunks = new ArrayList<>();
        int first = 0;
        while (first < sentences.size()) {
            int words = sentences.get(first)[2];
            int last = first;
            while (last + 1 < sentences.size() && words + sentences.get(last + 1)[2] <= maxWords) {
                words += sentences.get(++last)[2];
            }
            chunks.add(new Chunk(sentences.get(first)[0], sentences.get(last)[1], words));
            if (last + 1 >= sentences.size()) {
                break;
            }
            // one sentence of overlap, unless the chunk holds only that sentence or the overlap and the next sentence
            // would not fit together (then the next chunk starts after it: a chunk of the overlap alone says nothing new)
            boolean overlap = last > first && sentences.get(last)[2] + sentences.get(last + 1)[2] <= maxWords;
            first = overlap ? last : last + 1;
        }
        return chunks;
    }

    /** The words of {@code text[start, end)}: word segments holding a letter or a digit, as [start, end] pairs. */
    static List<int[]> words(String text, int start, int end) {
        BreakIterator wordBreaks = BreakIterator.getWordInstance(Locale.ROOT);
        wordBreaks.setText(text.substring(start, end));
        List<int[]> words = new ArrayList<>();
        for (int s = wordBreaks.first(), e = wordBreaks.next(); e != BreakIterator.DONE; s = e, e = wordBreaks.next()) {
            if (text.substring(start + s, start + e).codePoints().anyMatch(Character::isLetterOrDigit)) {
                words.add(new int[] { start + s, start + e });
            }
        }
        return words;
    }
}
