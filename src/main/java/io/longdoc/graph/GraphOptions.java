package io.longdoc.graph;

/**
 * How the builder lays out the graph.
 *
 * @param fused when true, attention becomes one {@code longdoc} custom-op node per layer (onnx-ops) instead of
 *              standard ops; reserved for the onnx-ops issue
 */
public record GraphOptions(boolean fused) {
    public static final GraphOptions STANDARD = new GraphOptions(false);
}
