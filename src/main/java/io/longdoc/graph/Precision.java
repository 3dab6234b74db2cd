package io.longdoc.graph;

import java.util.Locale;

/**
 * The float type of a compiled graph's weights and activations. Inputs (token ids, masks) are int64 and outputs stay
 * float32 either way, so callers never see the difference.
 */
public enum Precision {
    FP32,
    /**
     * Weights and activations in float16, for ONNX Runtime's CUDA execution provider (and the fused kernel's fp16
     * path). What fp16 cannot hold stays float32: the seeded random-block keys (24-bit integers) and the outputs. The
     * numerics that need more range are kept in float32 by the ops themselves: LayerNormalization's statistics
     * ({@code stash_type} 1, the default), Softmax's and MatMul's accumulation in ONNX Runtime's CUDA kernels.
     */
    FP16;

    public static Precision parse(String value) {
        for (Precision precision : values()) {
            if (precision.name().equalsIgnoreCase(value)) {
                return precision;
            }
        }
        throw new IllegalArgumentException("[compile.precision] must be one of [fp32, fp16], got [" + value + "]");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
