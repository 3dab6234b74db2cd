package io.longdoc.text;

/**
 * Two texts encoded as one sequence with the tokenizer's own pair template ({@code [CLS] A [SEP] B [SEP]} for BERT,
 * {@code <s> A </s></s> B </s>} for RoBERTa), as question-answering models were trained on.
 *
 * @param tokens   the sequence; each token's span indexes the text it came from (A or B), UTF-16
 * @param sequence per token: {@link #FIRST}, {@link #SECOND} or {@link #SPECIAL}
 */
public record TokenizedPair(TokenizedText tokens, int[] sequence) {

    public static final int SPECIAL = -1;
    public static final int FIRST = 0;
    public static final int SECOND = 1;

    public TokenizedPair {
        if (sequence.length != tokens.length()) {
            throw new IllegalArgumentException("sequence ids must have one entry per token");
        }
    }

    public int length() {
        return tokens.length();
    }

    /** The index of the first token of {@code which} text, or -1 when that text has no tokens. */
    public int first(int which) {
        for (int i = 0; i < sequence.length; i++) {
            if (sequence[i] == which) {
                return i;
            }
        }
        return -1;
    }

    /** One past the index of the last token of {@code which} text, or -1 when that text has no tokens. */
    public int end(int which) {
        for (int i = sequence.length - 1; i >= 0; i--) {
            if (sequence[i] == which) {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * Cuts the sequence to {@code maxTokens} by dropping the last tokens of the second text only, so the first text
     * and every special token (the closing separator) stay. Fails when even an empty second text would not fit.
     */
    public TokenizedPair truncateSecond(int maxTokens) {
        int n = length();
        if (n <= maxTokens) {
            return this;
        }
        int drop = n - maxTokens;
        int secondEnd = end(SECOND);
        int secondTokens = secondEnd < 0 ? 0 : secondEnd - first(SECOND);
        if (drop >= secondTokens) {
            throw new IllegalArgumentException(
                "the first text and the special tokens take " + (n - secondTokens) + " tokens, leaving no room for the second in " + maxTokens
            );
        }
        return without(secondEnd - drop, secondEnd);
    }

    /** The pair less the tokens {@code [from, to)}. */
    private TokenizedPair without(int from, int to) {
        int m = length() - (to - from);
        long[] ids = new long[m];
        int[] starts = new int[m];
        int[] ends = new int[m];
        boolean[] special = new boolean[m];
        int[] seq = new int[m];
        for (int i = 0, k = 0; i < length(); i++) {
            if (i < from || i >= to) {
                ids[k] = tokens.ids()[i];
                starts[k] = tokens.starts()[i];
                ends[k] = tokens.ends()[i];
                special[k] = tokens.special()[i];
                seq[k] = sequence[i];
                k++;
            }
        }
        return new TokenizedPair(new TokenizedText(ids, starts, ends, special), seq);
    }
}
