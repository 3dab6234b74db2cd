package io.longdoc.bench;

import io.longdoc.graph.Precision;

import java.util.ArrayList;
import java.util.List;

/**
 * One encoder session of the table: a variant in a precision. int8 runs for the variants the issue compares
 * (sparse-std, sparse-fused, chunk-512); dense stays fp32 only (it is there to show what the pattern saves).
 */
record EncoderRun(EncoderVariant variant, Precision precision) {

    /** The runs at each length, in the table's order: every fp32 variant, then the int8 ones. */
    static List<EncoderRun> of(List<Precision> precisions) {
        List<EncoderRun> runs = new ArrayList<>();
        for (Precision precision : precisions) {
            for (EncoderVariant variant : EncoderVariant.values()) {
                if (precision == Precision.FP32 || variant != EncoderVariant.DENSE) {
                    runs.add(new EncoderRun(variant, precision));
                }
            }
        }
        return runs;
    }

    @Override
    public String toString() {
        return precision == Precision.FP32 ? variant.label() : variant.label() + " " + precision.label();
    }
}
