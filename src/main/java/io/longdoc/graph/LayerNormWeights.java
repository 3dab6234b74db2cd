package io.longdoc.graph;

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta. */
public record LayerNormWeights(FloatTensor gamma, FloatTensor beta) {

    public LayerNormWeights {
        if (gamma.rank() != 1 || beta.rank() != 1 || gamma.dim(0) != beta.dim(0)) {
            throw new IllegalArgumentException("LayerNorm gamma and beta must be vectors of one length");
        }
    }
}
