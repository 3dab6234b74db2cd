package io.longdoc.text;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cuts a tokenized text into sections of whole sentences of about {@code minTokens}–{@code maxTokens} tokens.
 * A paragraph break (a blank line) ends a section once it holds at least half of {@code minTokens}, so sections
 * rarely straddle two paragraphs; a sentence longer than {@code maxTokens} is split at token boundaries.
 */
public final class Sectioner {

    private final int minTokens;
    private final int maxTokens;

    public Sectioner(int minTokens, int maxTokens) {
        if (minTokens < 1 || maxTokens < minTokens) {
            throw new IllegalArgumentException("need 1 <= min_tokens <= max_tokens, got " + minTokens + " and " + maxTokens);
        }
        this.minTokens = minTokens;
        this.maxTokens = maxTokens;
    }

    public List<Section> sections(String text, TokenizedText tokens) {
        List<Section> sections = new ArrayList<>();
        int[] tokenStarts = textTokenStarts(tokens);
        Accumulator open = null;
        for (Sentence sentence : sentences(text, tokens, tokenStarts)) {
            if (sentence.tokens() == 0) {
                continue; // whitespace or characters the tokenizer drops
            }
            boolean paragraphBreak = open != null && followsBlankLine(text, sentence.start);
            if (open != null
                && (open.tokens() + sentence.tokens() > maxTokens || (paragraphBreak && open.tokens() >= minTokens / 2))) {
                sections.add(open.toSection());
                open = null;
            }
            if (sentence.tokens() > maxTokens) {
                splitLongSentence(sentence, tokens, sections);
                continue;
            }
            if (open == null) {
                open = new Accumulator(sentence.start, sentence.firstToken);
            }
            open.end = sentence.end;
            open.endToken = sentence.endToken;
        }
        if (open != null) {
            sections.add(open.toSection());
        }
        return sections;
    }

    /** Whether the whitespace just before {@code offset} holds a blank line (two or more line breaks). */
    private static boolean followsBlankLine(String text, int offset) {
        int newlines = 0;
        for (int i = offset - 1; i >= 0 && Character.isWhitespace(text.charAt(i)); i--) {
            if (text.charAt(i) == '\n' && ++newlines == 2) {
                return true;
            }
        }
        return false;
    }

    private void splitLongSentence(Sentence sentence, TokenizedText tokens, List<Section> into) {
        for (int first = sentence.firstToken; first < sentence.endToken; first += maxTokens) {
            int end = Math.min(first + maxTokens, sentence.endToken);
            int startChar = first == sentence.firstToken ? sentence.start : tokens.starts()[first];
            int endChar = end == sentence.endToken ? sentence.end : tokens.starts()[end];
            into.add(new Section(startChar, endChar, first, end));
        }
    }

    private record Sentence(int start, int end, int firstToken, int endToken) {
        int tokens() {
            return endToken - firstToken;
        }
    }

    private static final class Accumulator {
        final int start;
        final int firstToken;
        int end;
        int endToken;

        Accumulator(int start, int firstToken) {
            this.start = start;
            this.firstToken = firstToken;
        }

        int tokens() {
            return endToken - firstToken;
        }

        Section toSection() {
            return new Section(start, end, firstToken, endToken);
        }
    }

    /** Sentences with the tokens that start inside them; tokens are assigned by their start offset. */
    private static List<Sentence> sentences(String text, TokenizedText tokens, int[] tokenStarts) {
        BreakIterator iterator = BreakIterator.getSentenceInstance(Locale.ROOT);
        iterator.setText(text);
        List<Sentence> sentences = new ArrayList<>();
        int start = iterator.first();
        for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
            int first = firstTokenAtOrAfter(tokens, tokenStarts, start);
            int last = firstTokenAtOrAfter(tokens, tokenStarts, end);
            int trimmedEnd = end; // a section's span ends at its last visible character, not in the blank after it
            while (trimmedEnd > start && Character.isWhitespace(text.charAt(trimmedEnd - 1))) {
                trimmedEnd--;
            }
            sentences.add(new Sentence(start, trimmedEnd, first, last));
        }
        return sentences;
    }

    /** Start offsets of the text tokens, with special tokens given the offset of the next text token (or +inf). */
    private static int[] textTokenStarts(TokenizedText tokens) {
        int n = tokens.length();
        int[] starts = new int[n];
        int next = Integer.MAX_VALUE;
        for (int i = n - 1; i >= 0; i--) {
            if (tokens.special()[i] == false) {
                next = tokens.starts()[i];
            }
            starts[i] = tokens.special()[i] ? (i == 0 ? -1 : next) : tokens.starts()[i];
        }
        return starts;
    }

    /** Index of the first text token starting at or after {@code offset} (binary search; starts are ascending). */
    private static int firstTokenAtOrAfter(TokenizedText tokens, int[] starts, int offset) {
        int low = 0, high = tokens.length();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (starts[mid] < offset) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        // a leading [CLS] (start -1) is never inside a sentence; a trailing [SEP] (+inf) neither
        return low;
    }
}
