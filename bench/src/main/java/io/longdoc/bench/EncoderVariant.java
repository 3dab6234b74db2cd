package io.longdoc.bench;

/** The four ways of encoding a long document that EVAL.md compares, all from the same pretrained weights. */
enum EncoderVariant {
    /** The longified encoder with full n×n attention (standard ONNX ops). */
    DENSE("dense"),
    /** The sliding window + global [CLS] pattern built from standard ONNX ops (blocked gather + MatMul). */
    SPARSE_STD("sparse-std"),
    /** The same pattern through the onnx-ops CPU kernel. */
    SPARSE_FUSED("sparse-fused"),
    /** The original 512-position model over consecutive 512-token chunks: the cost floor of chunking. */
    CHUNK_512("chunk-512");

    private final String label;

    EncoderVariant(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
