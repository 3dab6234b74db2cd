package io.longdoc.bench;

import io.longdoc.graph.GemmPrecision;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EncoderRunTests {

    @Test
    void int8RunsEveryVariantButDense() {
        List<String> runs = EncoderRun.of(List.of(GemmPrecision.FP32, GemmPrecision.INT8)).stream().map(EncoderRun::toString).toList();
        assertEquals(List.of("dense", "sparse-std", "sparse-fused", "chunk-512", "sparse-std int8", "sparse-fused int8", "chunk-512 int8"), runs);
        assertEquals(List.of("sparse-std int8", "sparse-fused int8", "chunk-512 int8"),
            EncoderRun.of(List.of(GemmPrecision.INT8)).stream().map(EncoderRun::toString).toList());
    }
}
