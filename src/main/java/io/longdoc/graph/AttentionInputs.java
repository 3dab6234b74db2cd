package io.longdoc.graph;

/**
 * What a layer hands its attention.
 *
 * @param layer   layer index (window sizes, dilations and random layouts are per layer)
 * @param weights the layer's weights (global projections, when present, start from {@code hidden})
 * @param hidden  the layer's input, [batch, n, d]
 * @param query   the query projection, already scaled by 1/√h
 */
record AttentionInputs(int layer, LayerWeights weights, String hidden, Projection query, Projection key, Projection value) {

    /** A projection both as one tensor, [batch, n, d], and split into heads, [batch, heads, n, h]. */
    record Projection(String merged, String heads) {}

    String name() {
        return "layer." + layer;
    }
}
