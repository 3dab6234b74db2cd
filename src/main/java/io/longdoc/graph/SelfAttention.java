package io.longdoc.graph;

/** One attention pattern in standard ops: a layer's attention context, before the output projection. */
sealed interface SelfAttention permits DenseAttention, SlidingWindowAttention, BlockSparseAttention {

    /** @return the context vectors, [batch, n, d] */
    String context(OnnxGraphWriter g, AttentionInputs in);
}
