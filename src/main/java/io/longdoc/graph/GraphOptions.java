package io.longdoc.graph;

import java.util.Objects;

/**
 * How the builder lays out the graph.
 *
 * @param fused     when true, the attention core of every sliding-window or block-sparse layer becomes one onnx-ops
 *                  {@code longdoc.SparseAttention} node (contract: onnx-ops/include/longdoc_ops.h) instead of standard
 *                  ops, and the model imports the {@code longdoc} domain, version 1: a session must register
 *                  liblongdoc_ops.so to load it. Dense attention has no fused form and stays in standard ops (its graph
 *                  is the standard one, with no {@code longdoc} import). Rows of padding positions differ between the
 *                  two forms (the op zeroes their attention context); the builder leaves them unspecified anyway.
 * @param precision the float type of weights and activations ({@link Precision}); outputs are float32 either way
 * @param gemms     fp32, or int8 projection and feed-forward GEMMs ({@link QuantizedLinear}); attention keeps the
 *                  graph's float type
 */
public record GraphOptions(boolean fused, Precision precision, GemmPrecision gemms) {
    public static final GraphOptions STANDARD = new GraphOptions(false);

    public GraphOptions {
        Objects.requireNonNull(precision);
        Objects.requireNonNull(gemms);
        if (gemms == GemmPrecision.INT8 && precision != Precision.FP32) {
            throw new IllegalArgumentException("int8 GEMMs take float32 activations; they do not go with precision " + precision);
        }
    }

    /** Float32 weights and activations, fp32 GEMMs. */
    public GraphOptions(boolean fused) {
        this(fused, Precision.FP32);
    }

    /** fp32 GEMMs. */
    public GraphOptions(boolean fused, Precision precision) {
        this(fused, precision, GemmPrecision.FP32);
    }

    /** Float32 weights and activations with the given GEMMs. */
    public GraphOptions(boolean fused, GemmPrecision gemms) {
        this(fused, Precision.FP32, gemms);
    }
}
