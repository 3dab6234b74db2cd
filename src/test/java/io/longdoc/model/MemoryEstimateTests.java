package io.longdoc.model;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryEstimateTests {

    private static ModelSpec defaultSpec() throws Exception {
        try (InputStream in = Files.newInputStream(Path.of("src/main/models/bge-small-en-v1.5/model.json"))) {
            return ModelSpec.parse(in, "bge-small-en-v1.5");
        }
    }

    @Test
    void errsHighAgainstTheMeasuredPeaksAndGrowsLinearlyForSparsePatterns() throws Exception {
        ModelSpec spec = defaultSpec();
        long fused = MemoryEstimate.bytes(spec, AttentionKernel.FUSED, 4096);
        long standard = MemoryEstimate.bytes(spec, AttentionKernel.standard(null), 4096);
        // bench/results: n = 4,096 used 83 MB fused and 543 MB with standard ops
        assertTrue(fused >= 83L << 20 && fused < 1L << 30, "fused estimate " + (fused >> 20) + " MB");
        assertTrue(standard >= 543L << 20 && standard < 2L << 30, "standard estimate " + (standard >> 20) + " MB");
        long standard16k = MemoryEstimate.bytes(spec, AttentionKernel.standard(null), 16384);
        assertTrue(standard16k <= 4 * standard + 1, "a window's cost is linear in n");
    }

    @Test
    void denseAttentionIsQuadratic() throws Exception {
        ModelSpec dense = new ModelSpec("dense", null, "bert", 384, Pooling.CLS, true, 8192, "model.onnx", "tokenizer.json", null);
        long at2k = MemoryEstimate.bytes(dense, AttentionKernel.AS_EXPORTED, 2048);
        long at8k = MemoryEstimate.bytes(dense, AttentionKernel.AS_EXPORTED, 8192);
        assertTrue(at8k > 10 * at2k, "4× the tokens, more than 10× the memory: " + (at2k >> 20) + " → " + (at8k >> 20) + " MB");
    }
}
