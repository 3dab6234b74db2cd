package io.longdoc.graph;

import java.util.Arrays;
import java.util.Locale;

/**
 * The number format of the encoder's projection and feed-forward GEMMs (about 80 % of its multiply-adds): what the
 * spec's {@code compile.quantize} comes to on a node ({@code io.longdoc.model.QuantizeSetting}). Attention, LayerNorm,
 * activations and embeddings keep the graph's float type ({@link Precision}); int8 GEMMs take fp32 activations, so
 * INT8 goes with {@link Precision#FP32} only.
 */
public enum GemmPrecision {
    /** Every weight and product in fp32. */
    FP32("fp32"),
    /**
     * Dynamic int8 GEMMs: weights quantized per output channel when the graph is built, activations quantized per
     * tensor on the fly by ONNX Runtime's own int8 ops ({@link QuantizedLinear}).
     */
    INT8("int8");

    private final String label;

    GemmPrecision(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** fp32 or int8, as a bench option or a report column says it. */
    public static GemmPrecision fromLabel(String label) {
        return Arrays.stream(values())
            .filter(p -> p.label.equals(label.toLowerCase(Locale.ROOT)))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("precision must be fp32 or int8, got [" + label + "]"));
    }

    @Override
    public String toString() {
        return label;
    }
}
