package io.longdoc.summary;

import java.util.Arrays;

/**
 * The logits processors of the options longdoc honours, applied in the order transformers'
 * GenerationMixin._get_logits_processor appends them (generation/logits_process.py): NoRepeatNGramLogitsProcessor,
 * MinLengthLogitsProcessor, ForcedBOSTokenLogitsProcessor, ForcedEOSTokenLogitsProcessor. "cur_len" is the length
 * of the hypothesis so far, decoder start token included (input_ids.shape[-1]).
 */
final class LogitsProcessors {

    private LogitsProcessors() {}

    /** Processes the next-token scores of one hypothesis in place. */
    static void apply(int[] tokens, int length, double[] scores, GenerationConfig config) {
        int n = config.noRepeatNgramSize();
        // _calc_banned_ngram_tokens: nothing is banned while cur_len + 1 < n; else every token that followed an
        // earlier occurrence of the last n − 1 tokens
        if (n > 0 && length + 1 >= n) {
            int prefixStart = length + 1 - n;
            for (int i = 0; i + n <= length; i++) {
                if (Arrays.equals(tokens, i, i + n - 1, tokens, prefixStart, length)) {
                    scores[tokens[i + n - 1]] = Double.NEGATIVE_INFINITY;
                }
            }
        }
        if (config.minLength() > 0 && length < config.minLength()) {
            for (int eos : config.eosTokenIds()) {
                scores[eos] = Double.NEGATIVE_INFINITY;
            }
        }
        if (config.forcedBosTokenId() != null && length == 1) {
            force(scores, config.forcedBosTokenId());
        }
        if (config.forcedEosTokenIds() != null && length == config.maxLength() - 1) {
            force(scores, config.forcedEosTokenIds());
        }
    }

    /** Every score −inf but the forced tokens', which become 0. */
    private static void force(double[] scores, int... tokens) {
        Arrays.fill(scores, Double.NEGATIVE_INFINITY);
        for (int token : tokens) {
            scores[token] = 0;
        }
    }
}
