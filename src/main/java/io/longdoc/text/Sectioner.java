package io.longdoc.text;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Cuts a tokenized text into sections of whole sentences of about {@code minTokens}–{@code maxTokens} tokens.
 * <p>{@link Breaks#HEADINGS} (the processor's default) follows the document's own layout: a heading line ({@link HeadingLines})
 * closes the open section and starts a new one that begins with the heading (headings with no text between them
 * stay together); a blank line ends a section once it holds at least half of {@code minTokens}, and no sentence runs
 * across a blank line or a heading, even one without a full stop (a code line, a list item); a short tail closed by a
 * heading or by the maximum joins the section before it when both fit.
 * <p>{@link Breaks#SENTENCES} (opt-in) is the earlier cut: the sentence stream alone, where a blank line ends a section of at
 * least half of {@code minTokens} only when a sentence starts after it, and a sentence without a full stop runs on
 * across blank lines and headings.
 * <p>Either way a sentence longer than {@code maxTokens} is split at token boundaries, and sections tile the text
 * tokens in order.
 */
public final class Sectioner {

    /** Where sections may break. */
    public enum Breaks {
        HEADINGS,
        SENTENCES;

        /** {@code "headings"} or {@code "sentences"}; anything else is refused with the accepted values. */
        public static Breaks parse(String value) {
            for (Breaks breaks : values()) {
                if (breaks.toString().equals(value)) {
                    return breaks;
                }
            }
            throw new IllegalArgumentException("must be [headings] or [sentences], got [" + value + "]");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final int minTokens;
    private final int maxTokens;
    private final Breaks breaks;

    public Sectioner(int minTokens, int maxTokens, Breaks breaks) {
        if (minTokens < 1 || maxTokens < minTokens) {
            throw new IllegalArgumentException("need 1 <= min_tokens <= max_tokens, got " + minTokens + " and " + maxTokens);
        }
        this.minTokens = minTokens;
        this.maxTokens = maxTokens;
        this.breaks = breaks;
    }

    public Breaks breaks() {
        return breaks;
    }

    public List<Section> sections(String text, TokenizedText tokens) {
        int[] tokenStarts = textTokenStarts(tokens);
        return breaks == Breaks.HEADINGS ? byHeadings(text, tokens, tokenStarts) : bySentences(text, tokens, tokenStarts);
    }

    private List<Section> byHeadings(String text, TokenizedText tokens, int[] tokenStarts) {
        List<Section> sections = new ArrayList<>();
        Accumulator open = null;
        for (Unit unit : units(text, tokens, tokenStarts, HeadingLines.find(text))) {
            if (unit.tokens() == 0) {
                continue; // whitespace or characters the tokenizer drops
            }
            if (open != null && closesBefore(open, unit)) {
                close(open, sections);
                open = null;
            }
            if (unit.tokens() > maxTokens) {
                splitLongSentence(new Sentence(unit.start, unit.end, unit.firstToken, unit.endToken), tokens, sections);
                continue;
            }
            if (open == null) {
                open = new Accumulator(unit.start, unit.firstToken);
            }
            open.end = unit.end;
            open.endToken = unit.endToken;
            open.heading |= unit.heading;
            open.body |= unit.heading == false;
        }
        if (open != null) {
            close(open, sections);
        }
        return sections;
    }

    private boolean closesBefore(Accumulator open, Unit unit) {
        if (open.tokens() + unit.tokens() > maxTokens) {
            return true;
        }
        if (unit.heading) {
            return open.body; // a heading starts a section; a heading with no text yet stays with the next
        }
        return unit.paragraph && open.body && open.tokens() >= minTokens / 2;
    }

    /** Adds {@code open}, or joins it to the section before when it is a short tail without a heading and both fit. */
    private void close(Accumulator open, List<Section> sections) {
        if (joinsPrevious(open, sections)) {
            Section previous = sections.get(sections.size() - 1);
            sections.set(sections.size() - 1, new Section(previous.start(), open.end, previous.firstToken(), open.endToken));
        } else {
            sections.add(open.toSection());
        }
    }

    private boolean joinsPrevious(Accumulator open, List<Section> sections) {
        Section previous = sections.isEmpty() ? null : sections.get(sections.size() - 1);
        return open.heading == false && open.tokens() < minTokens / 2 && previous != null && previous.endToken() == open.firstToken
            && previous.tokens() + open.tokens() <= maxTokens;
    }

    /**
     * The sentences, cut again at every blank line and at both ends of every heading, trimmed of surrounding
     * whitespace; tokens go to the unit their start offset falls in, so units tile the tokens.
     */
    private static List<Unit> units(String text, TokenizedText tokens, int[] tokenStarts, List<int[]> headings) {
        TreeSet<Integer> cuts = new TreeSet<>();
        BreakIterator iterator = BreakIterator.getSentenceInstance(Locale.ROOT);
        iterator.setText(text);
        for (int b = iterator.first(); b != BreakIterator.DONE; b = iterator.next()) {
            cuts.add(b);
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                int after = i + 1;
                while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
                    after++;
                }
                if (text.substring(i + 1, after).indexOf('\n') >= 0) {
                    cuts.add(after); // a paragraph starts here
                }
                i = after - 1;
            }
        }
        for (int[] heading : headings) {
            cuts.add(heading[0]);
            cuts.add(heading[1]);
        }
        cuts.add(0);
        cuts.add(text.length());
        List<Unit> units = new ArrayList<>();
        int headingIndex = 0;
        Integer from = cuts.first();
        for (Integer to = cuts.higher(from); to != null; from = to, to = cuts.higher(to)) {
            int start = from;
            int end = to;
            while (start < end && Character.isWhitespace(text.charAt(start))) {
                start++;
            }
            while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            while (headingIndex < headings.size() && headings.get(headingIndex)[1] <= start) {
                headingIndex++;
            }
            boolean heading = headingIndex < headings.size() && headings.get(headingIndex)[0] <= start;
            int first = firstTokenAtOrAfter(tokens, tokenStarts, from);
            int last = firstTokenAtOrAfter(tokens, tokenStarts, to);
            units.add(new Unit(start, end, first, last, heading, followsBlankLine(text, start)));
        }
        return units;
    }

    /** A piece of a sentence between blank lines and headings; {@code heading}: it is a heading line. */
    private record Unit(int start, int end, int firstToken, int endToken, boolean heading, boolean paragraph) {
        int tokens() {
            return endToken - firstToken;
        }
    }

    private List<Section> bySentences(String text, TokenizedText tokens, int[] tokenStarts) {
        List<Section> sections = new ArrayList<>();
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
        boolean heading; // holds a heading line
        boolean body; // holds text that is not a heading

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
