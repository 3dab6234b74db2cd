package io.longdoc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * sparse-fused against dense and against chunk-512 at one length, as throughput ratios (tokens/s of sparse-fused ÷
 * tokens/s of the other: above 1, sparse-fused is faster) and memory ratios (peak of sparse-fused ÷ peak of the other:
 * below 1, it needs less). NaN where either side was not measured.
 */
record EncoderRatios(int n, double speedOverDense, double speedOverChunk, double memoryOverDense, double memoryOverChunk) {

    static List<EncoderRatios> of(List<EncoderRow> rows) {
        List<EncoderRatios> ratios = new ArrayList<>();
        for (int n : rows.stream().mapToInt(EncoderRow::n).distinct().sorted().toArray()) {
            Map<EncoderVariant, EncoderRow> at = rows.stream().filter(r -> r.n() == n).collect(Collectors.toMap(EncoderRow::variant, r -> r, (a, b) -> b));
            EncoderRow fused = at.get(EncoderVariant.SPARSE_FUSED);
            EncoderRow dense = at.get(EncoderVariant.DENSE);
            EncoderRow chunk = at.get(EncoderVariant.CHUNK_512);
            ratios.add(new EncoderRatios(n, speed(fused, dense), speed(fused, chunk), memory(fused, dense), memory(fused, chunk)));
        }
        return ratios;
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
