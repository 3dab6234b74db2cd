package io.longdoc.bench;

/**
 * One variant at one length: measured ({@code sample} set), or not, with the reason in {@code note} (a length a
 * variant cannot run stays in the table, saying why).
 */
record EncoderRow(EncoderVariant variant, int n, Sample sample, String note) {

    static EncoderRow measured(EncoderVariant variant, int n, Sample sample) {
        return new EncoderRow(variant, n, sample, sample.peakKnown() ? "" : "peak memory not measurable here");
    }

    static EncoderRow notRun(EncoderVariant variant, int n, String reason) {
        return new EncoderRow(variant, n, null, reason);
    }

    boolean isMeasured() {
        return sample != null;
    }

    /** Tokens of the document per second of the median run; NaN when not measured. */
    double tokensPerSecond() {
        return isMeasured() ? n / (sample.medianMs() / 1000) : Double.NaN;
    }
}
