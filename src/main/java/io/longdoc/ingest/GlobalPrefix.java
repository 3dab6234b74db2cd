package io.longdoc.ingest;

import io.longdoc.runtime.HiddenStates;
import io.longdoc.text.TokenizedText;

import java.util.Arrays;
import java.util.List;

/**
 * The tokens of the {@code global_fields} (a title, say), placed between [CLS] and the body with global attention:
 * {@code [CLS] g1 [SEP] g2 [SEP] body… [SEP]}. The fields' own tokens are global — every body token sees them and they
 * see the whole body, however far apart — while their separators stay local (as in Longformer's QA recipe, where
 * the question tokens are global and the separator is not). The body keeps its own tokenization, so its character
 * offsets and token counts are those of the field alone; {@link #bodyRows} maps the model's rows back onto it.
 */
final class GlobalPrefix {

    static final GlobalPrefix NONE = new GlobalPrefix(new long[0], new long[0], false);

    private final long[] ids;     // the tokens after [CLS], separators included
    private final long[] global;  // 1 for a field's own token, 0 for a separator
    private final boolean cut;

    private GlobalPrefix(long[] ids, long[] global, boolean cut) {
        this.ids = ids;
        this.global = global;
        this.cut = cut;
    }

    /**
     * The prefix of the tokenized global fields, in order, each as the tokenizer returned it ([CLS] text [SEP]); at
     * most {@code maxTextTokens} of their text tokens are kept, the later ones are cut.
     */
    static GlobalPrefix of(List<TokenizedText> fields, int maxTextTokens) {
        long[] ids = new long[0];
        long[] global = new long[0];
        int kept = 0;
        boolean cut = false;
        for (TokenizedText field : fields) {
            int first = 0;
            while (first < field.length() && field.special()[first]) {
                first++; // the leading [CLS]: the sequence has its own
            }
            int end = first;
            while (end < field.length() && field.special()[end] == false) {
                end++;
            }
            if (end == first) {
                continue; // nothing but special tokens
            }
            int take = Math.min(end - first, maxTextTokens - kept);
            cut |= take < end - first;
            if (take <= 0) {
                break;
            }
            long separator = end < field.length() ? field.ids()[end] : field.ids()[field.length() - 1];
            int at = ids.length;
            ids = Arrays.copyOf(ids, at + take + 1);
            global = Arrays.copyOf(global, at + take + 1);
            System.arraycopy(field.ids(), first, ids, at, take);
            Arrays.fill(global, at, at + take, 1L);
            ids[at + take] = separator;
            kept += take;
        }
        return new GlobalPrefix(ids, global, cut);
    }

    boolean isEmpty() {
        return ids.length == 0;
    }

    /** Tokens the prefix adds to the sequence (its fields' tokens and their separators). */
    int length() {
        return ids.length;
    }

    /** Whether some of the global fields' tokens did not fit. */
    boolean cut() {
        return cut;
    }

    /** The sequence the model reads: the body's [CLS], the prefix, then the rest of the body. */
    long[] ids(TokenizedText body) {
        long[] out = new long[body.length() + ids.length];
        out[0] = body.ids()[0];
        System.arraycopy(ids, 0, out, 1, ids.length);
        System.arraycopy(body.ids(), 1, out, 1 + ids.length, body.length() - 1);
        return out;
    }

    /** Global attention on [CLS] and on the global fields' tokens. */
    long[] globalMask(TokenizedText body) {
        long[] out = new long[body.length() + ids.length];
        out[0] = 1;
        System.arraycopy(global, 0, out, 1, global.length);
        return out;
    }

    /**
     * The model's rows of the body's tokens, in the body's own token order ([CLS] first), so that sections computed on
     * the body's tokenization read the right vectors: body token i is row i + {@link #length()} of the sequence.
     */
    HiddenStates bodyRows(HiddenStates sequence) {
        if (ids.length == 0) {
            return sequence;
        }
        int dims = sequence.dims();
        int rows = sequence.tokens() - ids.length;
        float[] values = new float[rows * dims];
        System.arraycopy(sequence.values(), 0, values, 0, dims); // [CLS]
        System.arraycopy(sequence.values(), (1 + ids.length) * dims, values, dims, (rows - 1) * dims);
        return new HiddenStates(values, rows, dims);
    }
}
