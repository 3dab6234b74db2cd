package io.longdoc.model;

/**
 * Estimates a forward pass's peak native memory from the spec: per layer, about 16 vectors of the model's width per
 * token (hidden state, Q/K/V, feed-forward, copies) and, unless the fused kernel computes attention tile by tile,
 * one score per head for each key a query sees (n for dense attention, 3w + 1 for a sliding window in chunks,
 * (5 + r)·b for BigBird blocks), times 10 bytes (4-byte floats and the copies ONNX Runtime keeps). Calibrated to
 * err high against the bench's measurements of the default model (n = 4,096: 83 MB fused, 543 MB standard ops,
 * 2,369 MB dense).
 */
final class MemoryEstimate {

    private static final int BYTES_PER_VALUE = 10;
    private static final int HEAD_WIDTH = 32; // the smallest common head width: more heads, a higher estimate
    private static final int FUSED_TILE_KEYS = 64;

    private MemoryEstimate() {}

    static long bytes(ModelSpec spec, AttentionKernel kernel, int tokens) {
        long n = tokens;
        long heads = Math.max(1, spec.dims() / HEAD_WIDTH);
        long keys = AttentionKernel.FUSED.equals(kernel) ? FUSED_TILE_KEYS : keysPerQuery(spec.compile(), n);
        return BYTES_PER_VALUE * n * (16L * spec.dims() + heads * keys);
    }

    private static long keysPerQuery(CompileSpec compile, long n) {
        if (compile == null || compile.attention() == null) {
            return n; // a ready model or a checkpoint's own attention: assume dense
        }
        return compile.attention().keysPerQuery(n);
    }
}
