package io.longdoc.summary;

import java.util.Arrays;

/**
 * transformers' greedy decoding (GenerationMixin._sample with do_sample false): the processed scores' arg max (the
 * first of equal maxima, as torch.argmax), until an end-of-sequence token (any of eos_token_id) or max_length (EosTokenCriteria,
 * MaxLengthCriteria).
 */
final class GreedySearch {

    private GreedySearch() {}

    static int[] run(StepDecoder decoder, GenerationConfig config) throws Exception {
        int[] tokens = new int[config.maxLength()];
        tokens[0] = config.decoderStartTokenId();
        int length = 1;
        while (true) {
            float[] logits = decoder.step(new int[] { tokens[length - 1] }, new int[] { 0 })[0];
            double[] scores = new double[logits.length];
            for (int v = 0; v < logits.length; v++) {
                scores[v] = logits[v];
            }
            LogitsProcessors.apply(tokens, length, scores, config);
            int best = 0;
            for (int v = 1; v < scores.length; v++) {
                if (scores[v] > scores[best]) {
                    best = v;
                }
            }
            tokens[length++] = best;
            if (config.isEos(best) || length >= config.maxLength()) {
                return Arrays.copyOf(tokens, length);
            }
        }
    }
}
