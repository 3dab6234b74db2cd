package io.longdoc.bench;

import io.longdoc.graph.GemmPrecision;

/**
 * One variant in one precision at one length: measured ({@code sample} set), or not, with the reason in {@code note}
 * (a length a variant cannot run stays in the table, saying why).
 */
record EncoderRow(EncoderVariant variant, GemmPrecision precision, int n, Sample sample, String note) {

    static EncoderRow measured(EncoderVariant variant, int n, Sample sample) {
        return measured(variant, GemmPrecision.FP32, n, sample);
    }

    static EncoderRow measured(EncoderVariant variant, GemmPrecision precision, int n, Sample sample) {
        return new EncoderRow(variant, precision, n, sample, sample.peakKnown() ? "" : "peak memory not measurable here");
    }

    static EncoderRow notRun(EncoderVariant variant, int n, String reason) {
        return notRun(variant, GemmPrecision.FP32, n, reason);
    }

    static EncoderRow notRun(EncoderVariant variant, GemmPrecision precision, int n, String reason) {
        return new EncoderRow(variant, precision, n, null, reason);
    }

    boolean isMeasured() {
        return sample != null;
    }

    /** Tokens of the document per second of the median run; NaN when not measured. */
    double tokensPerSecond() {
        return isMeasured() ? n / (sample.medianMs() / 1000) : Double.NaN;
    }

    /** The variant and precision as the plot's legend names them: "sparse-fused" (fp32) or "sparse-fused int8". */
    String series() {
        return precision == GemmPrecision.FP32 ? variant.label() : variant.label() + " " + precision.label();
    }
}
