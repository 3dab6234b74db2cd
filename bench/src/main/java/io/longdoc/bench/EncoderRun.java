package io.longdoc.bench;

import io.longdoc.graph.GemmPrecision;

import java.util.ArrayList;
import java.util.List;

/**
 * One encoder session of the table: a variant in a precision. int8 runs for the variants the issue compares
 * (sparse-std, sparse-fused, chunk-512); dense stays fp32 only (it is there to show what the pattern saves).
 */
record EncoderRun(EncoderVariant variant, GemmPrecision precision) {

    /** The runs at each length, in the table's order: every fp32 variant, then the int8 ones. */
    static List<EncoderRun> of(List<GemmPrecision> precisions) {
        List<EncoderRun> runs = new ArrayList<>();
        for (GemmPrecision precision : precisions) {
            for (EncoderVariant variant : EncoderVariant.values()) {
                if (precision == GemmPrecision.FP32 || variant != EncoderVariant.DENSE) {
                    runs.add(new EncoderRun(variant, precision));
                }
            }
        }
        return runs;
    }

    @Override
    public String toString() {
        return precision == GemmPrecision.FP32 ? variant.label() : variant.label() + " " + precision.label();
    }
}
