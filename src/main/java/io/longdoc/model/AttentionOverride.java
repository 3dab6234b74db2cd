package io.longdoc.model;

import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.AttentionPattern.RandomBlocks;

import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The attention a spec's {@code compile.attention} puts in place of the checkpoint's own. It becomes the graph's
 * {@link AttentionPattern} once the model's layer count and architecture are known.
 */
public sealed interface AttentionOverride {

    /** The pattern for a model of {@code layers} layers and {@code architecture} (EncoderConfig's). */
    AttentionPattern pattern(int layers, String architecture);

    /** The keys one query's scores cover in standard ops at length n (for the memory estimate). */
    long keysPerQuery(long n);

    /** The fields of {@code compile.attention} after its {@code type}. */
    void fieldsTo(XContentBuilder builder) throws IOException;

    /** The {@code type} as specs spell it. */
    String type();

    /** Full n×n attention. */
    record Dense() implements AttentionOverride {
        @Override
        public AttentionPattern pattern(int layers, String architecture) {
            return new AttentionPattern.Dense();
        }

        @Override
        public long keysPerQuery(long n) {
            return n;
        }

        @Override
        public void fieldsTo(XContentBuilder builder) {}

        @Override
        public String type() {
            return "dense";
        }
    }

    /**
     * The same one-sided window on every layer.
     *
     * @param dilations per layer, per head (null = 1)
     */
    record SlidingWindow(int window, int[][] dilations) implements AttentionOverride {
        public SlidingWindow {
            if (window < 1) {
                throw new IllegalArgumentException("[compile.attention.window] must be at least 1, got [" + window + "]");
            }
        }

        @Override
        public AttentionPattern pattern(int layers, String architecture) {
            if (dilations != null && dilations.length != layers) {
                throw new IllegalArgumentException("[compile.attention.dilation] needs one row per layer (" + layers + "), got " + dilations.length);
            }
            int[] windows = new int[layers];
            Arrays.fill(windows, window);
            return new AttentionPattern.SlidingWindow(windows, dilations);
        }

        @Override
        public long keysPerQuery(long n) {
            return Math.min(n, 3L * window + 1); // standard ops compute a window in chunks of w queries
        }

        @Override
        public void fieldsTo(XContentBuilder builder) throws IOException {
            builder.field("window", window);
            if (dilations != null) {
                builder.field("dilation", dilations);
            }
        }

        @Override
        public String type() {
            return "sliding_window";
        }
    }

    /**
     * BigBird blocks.
     *
     * @param randomMode null when the spec leaves it out, and then it is what the checkpoint computes: hf_eval for a
     *                   big_bird checkpoint (parity with transformers' eval-mode outputs), seeded for the others, which
     *                   have no random blocks of their own. Seeded (the BigBird paper's random blocks, drawn once from
     *                   {@code seed}) is the better choice for a model trained or fine-tuned with random blocks in
     *                   train mode, or to explore the pattern.
     */
    record BlockSparse(int blockSize, int randomBlocks, long seed, RandomBlocks randomMode) implements AttentionOverride {
        public BlockSparse {
            if (blockSize < 1 || randomBlocks < 0) {
                throw new IllegalArgumentException("[compile.attention] block_size must be ≥ 1 and random_blocks ≥ 0");
            }
        }

        @Override
        public AttentionPattern pattern(int layers, String architecture) {
            return new AttentionPattern.BlockSparse(blockSize, randomBlocks, seed, randomMode(architecture));
        }

        /** The spec's random_mode, else the checkpoint's: transformers' BigBird in eval mode computes hf_eval. */
        RandomBlocks randomMode(String architecture) {
            if (randomMode != null) {
                return randomMode;
            }
            return "big_bird".equals(architecture) ? RandomBlocks.HF_EVAL : RandomBlocks.SEEDED;
        }

        @Override
        public long keysPerQuery(long n) {
            return Math.min(n, (5L + randomBlocks) * blockSize);
        }

        @Override
        public void fieldsTo(XContentBuilder builder) throws IOException {
            builder.field("block_size", blockSize).field("random_blocks", randomBlocks).field("seed", seed);
            if (randomMode != null) {
                builder.field("random_mode", randomMode.name().toLowerCase(Locale.ROOT));
            }
        }

        @Override
        public String type() {
            return "block_sparse";
        }
    }
}
