package io.longdoc.bench;

/**
 * The floating-point work of one forward pass of a BERT-style encoder with sliding-window attention, as issue 17's
 * "goal on paper" counts it: per token and layer 4·d² multiply-adds for the Q, K, V and output projections,
 * 2·d·ff for the feed-forward, and 2·k·d for the scores and the weighted sum over the k keys a query sees
 * (k = min(n, 2w + 1)); 2 FLOP per multiply-add. Embeddings, LayerNorms, softmax and the global token are left out
 * (under 1 % at d = 384). The default model (12 layers, d = 384, ff = 1536, w = 256): ≈ 51.9 MFLOP per token, 0.85
 * TFLOP for 16,384 tokens.
 */
record EncoderFlops(int layers, int hidden, int intermediate, int window) {

    static final EncoderFlops BGE_SMALL = new EncoderFlops(12, 384, 1536, 256);

    double perToken(int tokens) {
        long keys = Math.min(tokens, 2L * window + 1);
        double multiplyAdds = 4.0 * hidden * hidden + 2.0 * hidden * intermediate + 2.0 * keys * hidden;
        return 2 * layers * multiplyAdds;
    }

    double perDocument(int tokens) {
        return perToken(tokens) * tokens;
    }
}
