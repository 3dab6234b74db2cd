package io.longdoc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

class EncoderRatiosTests {

    @Test
    void ratiosAreThroughputAndPeakMemoryOfSparseFusedOverTheOthers() {
        List<EncoderRatios> ratios = EncoderRatios.of(List.of(
            row(EncoderVariant.DENSE, 1024, 400, 160),
            row(EncoderVariant.SPARSE_FUSED, 1024, 200, 20),
            row(EncoderVariant.CHUNK_512, 1024, 250, 40)));
        EncoderRatios r = ratios.get(0);
        assertEquals(1024, r.n());
        assertEquals(2.0, r.speedOverDense(), 1e-9, "twice the tokens/s of dense");
        assertEquals(1.25, r.speedOverChunk(), 1e-9);
        assertEquals(0.125, r.memoryOverDense(), 1e-9);
        assertEquals(0.5, r.memoryOverChunk(), 1e-9);
    }

    @Test
    void aVariantNotRunGivesNoRatioButTheLengthStays() {
        List<EncoderRatios> ratios = EncoderRatios.of(List.of(
            EncoderRow.notRun(EncoderVariant.DENSE, 16384, "not run: n×n scores need ≈36 GB"),
            row(EncoderVariant.SPARSE_FUSED, 16384, 3000, 300),
            row(EncoderVariant.CHUNK_512, 16384, 3200, 30)));
        assertEquals(1, ratios.size());
        assertTrue(Double.isNaN(ratios.get(0).speedOverDense()));
        assertEquals(3200.0 / 3000, ratios.get(0).speedOverChunk(), 1e-9);
    }

    static EncoderRow row(EncoderVariant variant, int n, double medianMs, long peakMb) {
        return EncoderRow.measured(variant, n, new Sample(medianMs, medianMs, peakMb, 5));
    }
}
