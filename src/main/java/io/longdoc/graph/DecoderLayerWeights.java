package io.longdoc.graph;

/**
 * One decoder layer (LED's LEDDecoderLayer, post-LayerNorm): causal self-attention + residual + LayerNorm,
 * cross-attention over the encoder's states + residual + LayerNorm, fc1 → activation → fc2 + residual + LayerNorm.
 */
public record DecoderLayerWeights(
    AttentionWeights selfAttention,
    LayerNormWeights selfAttentionNorm,
    AttentionWeights crossAttention,
    LayerNormWeights crossAttentionNorm,
    Linear fc1,
    Linear fc2,
    LayerNormWeights finalNorm
) {

    /** The four projections of one multi-head attention block (q_proj, k_proj, v_proj, out_proj). */
    public record AttentionWeights(Linear query, Linear key, Linear value, Linear output) {}
}
