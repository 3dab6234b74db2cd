package io.longdoc.graph;

/**
 * One transformer layer (post-LayerNorm, as BERT): self-attention, output projection, residual + LayerNorm, GELU
 * feed-forward, residual + LayerNorm. The three global projections exist only in Longformer checkpoints; when they
 * are null the global tokens' rows use the normal ones.
 */
public record LayerWeights(
    Linear query,
    Linear key,
    Linear value,
    Linear attentionOutput,
    LayerNormWeights attentionNorm,
    Linear intermediate,
    Linear output,
    LayerNormWeights outputNorm,
    Linear queryGlobal,
    Linear keyGlobal,
    Linear valueGlobal
) {
    public boolean hasGlobalProjections() {
        return queryGlobal != null;
    }
}
