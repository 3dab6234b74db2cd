package io.longdoc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

class RunCapsTests {

    private final RunCaps caps = new RunCaps(8, 60, 12);

    @Test
    void denseAttentionOverTheMemoryCapIsRefusedWithTheEstimateAndTheOption() {
        Optional<String> refusal = caps.refusal(EncoderVariant.DENSE, 8192, List.of());
        assertTrue(refusal.isPresent(), "12 heads × 8192² × 3 floats is 9 GB, over 8 GB");
        assertTrue(refusal.get().contains("≈9 GB") && refusal.get().contains("--max-dense-gb"), refusal.get());
    }

    @Test
    void sparseVariantsHaveNoMemoryEstimate() {
        assertEquals(Optional.empty(), caps.refusal(EncoderVariant.SPARSE_FUSED, 16384, List.of()));
    }

    @Test
    void aRunExtrapolatedPastTheTimeCapIsRefused() {
        List<EncoderRow> earlier = List.of(row(EncoderVariant.SPARSE_STD, 1024, 10_000), row(EncoderVariant.SPARSE_STD, 2048, 20_000));
        // slope 1 from the two lengths: 4096 would take 40 s (allowed), 8192 80 s (over 60 s)
        assertEquals(Optional.empty(), caps.refusal(EncoderVariant.SPARSE_STD, 4096, earlier));
        Optional<String> refusal = caps.refusal(EncoderVariant.SPARSE_STD, 8192, earlier);
        assertTrue(refusal.isPresent() && refusal.get().contains("≈80 s") && refusal.get().contains("n=2048"), refusal.toString());
    }

    @Test
    void extrapolationNeverAssumesWorseThanQuadratic() {
        List<EncoderRow> earlier = List.of(row(EncoderVariant.DENSE, 512, 100), row(EncoderVariant.DENSE, 1024, 1_000));
        assertEquals(4_000, RunCaps.predictMs(earlier, 2048), 1e-6, "a slope of 3.3 measured is clamped to 2");
    }

    @Test
    void aVariantThatFailedIsNotTriedAtLongerLengths() {
        List<EncoderRow> earlier = List.of(EncoderRow.notRun(EncoderVariant.CHUNK_512, 1024, "failed: OrtException: out of memory"));
        assertEquals(Optional.of("not run: failed at n=1024"), caps.refusal(EncoderVariant.CHUNK_512, 2048, earlier));
    }

    @Test
    void otherVariantsDoNotCountForTheExtrapolation() {
        List<EncoderRow> earlier = List.of(row(EncoderVariant.DENSE, 1024, 59_000));
        assertEquals(Optional.empty(), caps.refusal(EncoderVariant.SPARSE_FUSED, 2048, earlier));
    }

    static EncoderRow row(EncoderVariant variant, int n, double medianMs) {
        return EncoderRow.measured(variant, n, new Sample(medianMs, medianMs, 10, 5));
    }
}
