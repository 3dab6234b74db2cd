package io.longdoc.graph;

/**
 * Which keys each query may attend to; the definitions are in ARCHITECTURE.md ("Attention patterns") and are shared
 * by the graph builder, the fused kernels and the plain Java reference. Global tokens come at run time from the
 * {@code global_attention_mask} input (sliding window) or are the first and last blocks (block sparse).
 */
public sealed interface AttentionPattern {

    /** Full n×n attention over the non-padding keys. */
    record Dense() implements AttentionPattern {}

    /**
     * Longformer: query i attends j = i + k·d for |k| ≤ w, plus every global token; global tokens attend to all.
     *
     * @param windows   one-sided window w per layer
     * @param dilations per layer, per head, d ≥ 1 (null: 1 everywhere)
     */
    record SlidingWindow(int[] windows, int[][] dilations) implements AttentionPattern {
        public SlidingWindow {
            for (int w : windows) {
                if (w < 1) {
                    throw new IllegalArgumentException("window must be at least 1, got: " + w);
                }
            }
            if (dilations != null) {
                if (dilations.length != windows.length) {
                    throw new IllegalArgumentException("dilations need one row per layer: " + windows.length + " layers, got " + dilations.length);
                }
                for (int[] layer : dilations) {
                    for (int d : layer) {
                        if (d < 1) {
                            throw new IllegalArgumentException("dilation must be at least 1, got: " + d);
                        }
                    }
                }
            }
        }

        /** The same window on every layer, no dilation. */
        public static SlidingWindow uniform(int layers, int window) {
            int[] windows = new int[layers];
            java.util.Arrays.fill(windows, window);
            return new SlidingWindow(windows, null);
        }

        public int dilation(int layer, int head) {
            return dilations == null ? 1 : dilations[layer][head];
        }
    }

    /**
     * BigBird ITC block-sparse attention.
     *
     * @param blockSize    b (64 in BigBird)
     * @param randomBlocks r (3 in BigBird)
     * @param seed         fixes the random layout when the graph is built
     * @param randomMode   {@link RandomBlocks#SEEDED}, or {@link RandomBlocks#HF_EVAL} for parity with Hugging Face's
     *                     inference behaviour (every random block is block 0)
     */
    record BlockSparse(int blockSize, int randomBlocks, long seed, RandomBlocks randomMode) implements AttentionPattern {
        public BlockSparse {
            if (blockSize < 1) {
                throw new IllegalArgumentException("block size must be at least 1, got: " + blockSize);
            }
            if (randomBlocks < 0) {
                throw new IllegalArgumentException("random blocks must be at least 0, got: " + randomBlocks);
            }
        }
    }

    enum RandomBlocks {
        SEEDED,
        HF_EVAL
    }
}
