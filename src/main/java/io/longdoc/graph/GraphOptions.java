package io.longdoc.graph;

/**
 * How the builder lays out the graph.
 *
 * @param fused     when true, the attention core of every sliding-window or block-sparse layer becomes one onnx-ops
 *                  {@code longdoc.SparseAttention} node (contract: onnx-ops/include/longdoc_ops.h) instead of standard
 *                  ops, and the model imports the {@code longdoc} domain, version 1: a session must register
 *                  liblongdoc_ops.so to load it. Dense attention has no fused form and stays in standard ops (its graph
 *                  is the standard one, with no {@code longdoc} import). Rows of padding positions differ between the
 *                  two forms (the op zeroes their attention context); the builder leaves them unspecified anyway.
 * @param precision fp32, or int8 projection and feed-forward GEMMs ({@link QuantizedLinear}); attention is fp32 in both
 */
public record GraphOptions(boolean fused, Precision precision) {
    public static final GraphOptions STANDARD = new GraphOptions(false);

    public GraphOptions {
        if (precision == null) {
            throw new IllegalArgumentException("a graph needs a precision");
        }
    }

    public GraphOptions(boolean fused) {
        this(fused, Precision.FP32);
    }
}
