package io.longdoc.graph;

/**
 * The seeded random-block layout of {@link AttentionPattern.RandomBlocks#SEEDED}. Every (layer, head, query block q,
 * key block j) gets a 24-bit key: SplitMix64 chained over the seed and those four numbers,
 * {@code z = seed; z = mix(z + layer); z = mix(z + head); z = mix(z + q); z = mix(z + j); key = z >>> 40}.
 * For a sequence of B blocks, query block q (1 ≤ q ≤ B−2) takes as its r random blocks the r candidates with the
 * largest keys (equal keys: the lower block first), the candidates being blocks 1..B−2 that are not q−1, q or q+1.
 * So the r blocks are distinct, differ per layer and head, are reproducible from the seed, and a block's key does not
 * depend on n: only the candidate set does. The graph stores the keys of up to {@code maxTokens / b} blocks per
 * layer ([heads, maxBlocks, maxBlocks], exact in float) and picks with TopK.
 */
final class RandomBlockKeys {

    private RandomBlockKeys() {}

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
