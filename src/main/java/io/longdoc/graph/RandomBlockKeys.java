package io.longdoc.graph;

import java.util.List;

/**
 * The seeded random-block layout of {@link AttentionPattern.RandomBlocks#SEEDED}. Every (layer, head, query block q,
 * key block j) gets a 24-bit key: SplitMix64 chained over the seed and those four numbers,
 * {@code z = seed; z = mix(z + layer); z = mix(z + head); z = mix(z + q); z = mix(z + j); key = z >>> 40}.
 * For a sequence of B blocks, query block q (1 ≤ q ≤ B−2) takes as its r random blocks the r candidates with the
 * largest keys (equal keys: the lower block first), the candidates being blocks 1..B−2 that are not q−1, q or q+1.
 * So the r blocks are distinct, differ per layer and head, are reproducible from the seed, and a block's key does not
 * depend on n: only the candidate set does. The graph stores the keys of up to {@code maxTokens / b} blocks per
 * layer ([heads, maxBlocks, maxBlocks], exact in float32, which it stays in an fp16 graph) and picks with TopK.
 */
final class RandomBlockKeys {

    private RandomBlockKeys() {}

    /**
     * Draws the layout in the graph: int64 [heads, B−2, r], row q − 1 holding the r random blocks of query block q.
     * Only for inputs past the short-input fallback, n > (5 + 2r)·b, where every row has at least r candidates
     * (TopK fails on fewer). Both the standard-op graph and the fused node's {@code random_block_layout} take it.
     *
     * @param numBlocks B, [1] int64
     */
    static String draw(OnnxGraphWriter g, AttentionPattern.BlockSparse pattern, EncoderConfig config, int layer, String numBlocks) {
        int maxBlocks = (config.maxTokens() + pattern.blockSize() - 1) / pattern.blockSize();
        String table = g.float32Weight("layer." + layer + ".random_block_keys", table(pattern.seed(), layer, config.numHeads(), maxBlocks));
        String last = g.sub(numBlocks, g.longs(1));
        String rows = g.range(g.longScalar(1), g.squeeze(last));
        String keys = g.slice(g.slice(table, 1, g.longs(1), last), 2, g.longs(0), numBlocks);
        String blocks = g.range(g.longScalar(0), g.squeeze(numBlocks));
        String inside = g.op("And", List.of(g.op("Greater", List.of(blocks, g.longs(0))), g.op("Less", List.of(blocks, last))));
        String farEnough = g.op("Greater", List.of(g.op("Abs", List.of(g.sub(blocks, g.unsqueeze(rows, 1)))), g.longs(1)));
        String candidateKeys = g.where(g.op("And", List.of(inside, farEnough)), keys, g.float32Scalar(-1));
        return g.topKIndices(candidateKeys, g.longs(pattern.randomBlocks()), -1);
    }

    static FloatTensor table(long seed, int layer, int heads, int maxBlocks) {
        float[] keys = new float[heads * maxBlocks * maxBlocks];
        for (int head = 0; head < heads; head++) {
            for (int q = 0; q < maxBlocks; q++) {
                for (int j = 0; j < maxBlocks; j++) {
                    keys[(head * maxBlocks + q) * maxBlocks + j] = key(seed, layer, head, q, j);
                }
            }
        }
        return FloatTensor.of(keys, heads, maxBlocks, maxBlocks);
    }

    static int key(long seed, int layer, int head, int queryBlock, int keyBlock) {
        long z = seed;
        z = mix(z + layer);
        z = mix(z + head);
        z = mix(z + queryBlock);
        z = mix(z + keyBlock);
        return (int) (z >>> 40);
    }

    /** SplitMix64's step and finaliser. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
