package io.longdoc.text;

import java.util.Arrays;

/**
 * A text as the model sees it: token ids (special tokens included) and, for each token, the UTF-16 character span
 * {@code [start, end)} of the source text it came from (special tokens have an empty span).
 */
public record TokenizedText(long[] ids, int[] starts, int[] ends, boolean[] special) {

    public TokenizedText {
        if (starts.length != ids.length || ends.length != ids.length || special.length != ids.length) {
            throw new IllegalArgumentException("ids, spans and special flags must have one entry per token");
        }
    }

    public int length() {
        return ids.length;
    }

    /** Tokens that come from the text (special tokens such as [CLS] and [SEP] are not counted). */
    public int textTokens() {
        int count = 0;
        for (boolean s : special) {
            if (s == false) {
                count++;
            }
        }
        return count;
    }

    /**
     * Cuts the sequence to {@code maxTokens}, keeping the leading tokens and the trailing special tokens (the
     * closing [SEP]), as the model saw sequences in training.
     */
    public TokenizedText truncate(int maxTokens) {
        if (ids.length <= maxTokens) {
            return this;
        }
        int trailingSpecial = 0;
        while (trailingSpecial < ids.length && special[ids.length - 1 - trailingSpecial]) {
            trailingSpecial++;
        }
        if (trailingSpecial >= maxTokens) {
            throw new IllegalArgumentException("cannot truncate to " + maxTokens + " tokens: " + trailingSpecial + " trailing special tokens");
        }
        int head = maxTokens - trailingSpecial;
        return new TokenizedText(cut(ids, head, trailingSpecial), cut(starts, head, trailingSpecial), cut(ends, head, trailingSpecial), cut(special, head, trailingSpecial));
    }

    private static long[] cut(long[] a, int head, int tail) {
        long[] out = Arrays.copyOf(a, head + tail);
        System.arraycopy(a, a.length - tail, out, head, tail);
        return out;
    }

    private static int[] cut(int[] a, int head, int tail) {
        int[] out = Arrays.copyOf(a, head + tail);
        System.arraycopy(a, a.length - tail, out, head, tail);
        return out;
    }

    private static boolean[] cut(boolean[] a, int head, int tail) {
        boolean[] out = Arrays.copyOf(a, head + tail);
        System.arraycopy(a, a.length - tail, out, head, tail);
        return out;
    }
}
