package io.longdoc.graph;

/** Full n×n attention over the real (non-padding) keys. */
final class DenseAttention implements SelfAttention {

    private final TokenMasks masks;
    private final int hiddenSize;

    DenseAttention(TokenMasks masks, int hiddenSize) {
        this.masks = masks;
        this.hiddenSize = hiddenSize;
    }

    @Override
    public String context(OnnxGraphWriter g, AttentionInputs in) {
        String heads = AttentionOps.attend(g, in.query().heads(), in.key().heads(), in.value().heads(), masks.realKeys(), 4);
        return AttentionOps.mergeHeads(g, heads, hiddenSize);
    }
}
