package io.longdoc.bench;

import io.longdoc.graph.GemmPrecision;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * sparse-fused in one precision against the others at one length, as throughput ratios (tokens/s of sparse-fused ÷
 * tokens/s of the other: above 1, sparse-fused is faster) and memory ratios (peak of sparse-fused ÷ peak of the other:
 * below 1, it needs less). Dense runs in fp32 only, so an int8 row's dense ratios compare with fp32 dense; chunk-512 is
 * compared in the same precision and, for the goal, with fp32 chunk-512 too. NaN where either side was not
 * measured.
 */
record EncoderRatios(
    int n,
    GemmPrecision precision,
    double speedOverDense,
    double speedOverChunk,
    double memoryOverDense,
    double memoryOverChunk,
    double speedOverFp32Chunk,
    double speedOverFp32Fused
) {

    /** One entry per length and precision that has a sparse-fused row, fp32 first. */
    static List<EncoderRatios> of(List<EncoderRow> rows) {
        List<EncoderRatios> ratios = new ArrayList<>();
        for (int n : rows.stream().mapToInt(EncoderRow::n).distinct().sorted().toArray()) {
            for (GemmPrecision precision : GemmPrecision.values()) {
                EncoderRow fused = find(rows, EncoderVariant.SPARSE_FUSED, precision, n);
                if (fused == null) {
                    continue;
                }
                EncoderRow dense = find(rows, EncoderVariant.DENSE, GemmPrecision.FP32, n);
                EncoderRow chunk = find(rows, EncoderVariant.CHUNK_512, precision, n);
                EncoderRow fp32Chunk = find(rows, EncoderVariant.CHUNK_512, GemmPrecision.FP32, n);
                EncoderRow fp32Fused = find(rows, EncoderVariant.SPARSE_FUSED, GemmPrecision.FP32, n);
                ratios.add(new EncoderRatios(n, precision, speed(fused, dense), speed(fused, chunk), memory(fused, dense), memory(fused, chunk),
                    speed(fused, fp32Chunk), speed(fused, fp32Fused)));
            }
        }
        return ratios;
    }

    private static EncoderRow find(List<EncoderRow> rows, EncoderVariant variant, GemmPrecision precision, int n) {
        return rows.stream().filter(r -> r.n() == n && r.variant() == variant && Objects.equals(r.precision(), precision)).reduce((a, b) -> b).orElse(null);
    }

    private static double speed(EncoderRow row, EncoderRow other) {
        return both(row, other) ? row.tokensPerSecond() / other.tokensPerSecond() : Double.NaN;
    }

    private static double memory(EncoderRow row, EncoderRow other) {
        if (both(row, other) == false || row.sample().peakKnown() == false || other.sample().peakKnown() == false || other.sample().peakRssMb() == 0) {
            return Double.NaN;
        }
        return (double) row.sample().peakRssMb() / other.sample().peakRssMb();
    }

    private static boolean both(EncoderRow row, EncoderRow other) {
        return row != null && other != null && row.isMeasured() && other.isMeasured();
    }
}
