package io.longdoc.graph;

/**
 * What sits between a layer's Q/K/V projections and its attention-output projection: standard-op attention
 * ({@link StandardAttention}) or one fused onnx-ops node ({@link FusedSlidingWindow}, {@link FusedBlockSparse}).
 */
sealed interface AttentionCore permits StandardAttention, FusedSlidingWindow, FusedBlockSparse {

    /** @return the context vectors, [batch, n, d] */
    String context(OnnxGraphWriter g, Projections in);

    /**
     * A layer's projections as its linear layers give them, [batch, n, d] each; the query is not scaled by 1/√h yet
     * (the fused op scales itself).
     *
     * @param hidden the layer's input, which Longformer's global projections start from
     */
    record Projections(int layer, LayerWeights weights, String hidden, String query, String key, String value) {

        String name() {
            return "layer." + layer;
        }
    }
}
