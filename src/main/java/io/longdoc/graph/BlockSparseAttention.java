package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.Collections;
import java.util.List;

/**
 * BigBird ITC block-sparse attention with "blockify and gather": the sequence is zero-padded to B blocks of b
 * (padding masked). Query blocks 0 and B−1 are global and attend every key. Each other query block q gets a row of
 * S = 5 + r key blocks, {0, q−1, q, q+1, B−1, r random blocks}, gathered into one dense [S·b] key axis so that all
 * of them run as one batched MatMul; for q = 1 the slot q−1 (= block 0) and for q = B−2 the slot q+1 (= block B−1)
 * are masked, giving Hugging Face's {0, 1, 2, B−1} and {0, B−3, B−2, B−1}. The random blocks come from
 * {@link RandomBlockKeys} (SEEDED) or are all block 0 (HF_EVAL: Hugging Face's eval-mode adjacency is all zeros, so
 * block 0's keys enter those softmaxes r + 1 times). Like Hugging Face, inputs of n ≤ (5 + 2r)·b tokens take full
 * attention instead (an {@code If} on n).
 */
final class BlockSparseAttention implements SelfAttention {

    /** Key-block slots before the random ones: block 0, q−1, q, q+1, B−1. */
    private static final int FIXED_SLOTS = 5;

    private final AttentionPattern.BlockSparse pattern;
    private final EncoderConfig config;
    private final TokenMasks masks;
    private final DenseAttention fullAttention;
    /** bool [1]: short enough for full attention. */
    private final String useFullAttention;
    private final String padLength;
    /** B, [1] int64. */
    private final String numBlocks;
    /** float [batch, B, b]: real keys. */
    private final String blockKeys;
    /** bool [batch, 1, 1, B·b]: real keys. */
    private final String paddedKeys;

    BlockSparseAttention(OnnxGraphWriter g, AttentionPattern.BlockSparse pattern, EncoderConfig config, TokenMasks masks) {
        this.pattern = pattern;
        this.config = config;
        this.masks = masks;
        this.fullAttention = new DenseAttention(masks, config.hiddenSize());
        long blockSize = pattern.blockSize();
        long fullAttentionUpTo = (5L + 2L * pattern.randomBlocks()) * blockSize;
        this.useFullAttention = g.op("LessOrEqual", List.of(masks.length(), g.longs(fullAttentionUpTo)));
        this.padLength = masks.padLength(g, blockSize);
        this.numBlocks = g.div(g.add(masks.length(), padLength), g.longs(blockSize));
        String keys = g.padEnd(masks.realFloat(), 2, 1, padLength);
        this.blockKeys = g.reshape(keys, 0, -1, blockSize);
        this.paddedKeys = g.unsqueeze(g.cast(keys, DataType.BOOL), 1, 2);
    }

    @Override
    public String context(OnnxGraphWriter g, AttentionInputs in) {
        OnnxGraphWriter full = g.branch("full_attention");
        String fullContext = fullAttention.context(full, in);
        OnnxGraphWriter sparse = g.branch("block_sparse_attention");
        String sparseContext = blockSparse(sparse, in);
        return g.ifThenElse(useFullAttention, full.branchGraph(fullContext), sparse.branchGraph(sparseContext));
    }

    private String blockSparse(OnnxGraphWriter g, AttentionInputs in) {
        int b = pattern.blockSize();
        int headDim = config.headDim();
        String queryBlocks = blocks(g, in.query().heads());
        String keyBlocks = blocks(g, in.key().heads());
        String valueBlocks = blocks(g, in.value().heads());

        // query blocks 0 and B−1: every key
        String globalQueries = g.reshape(g.concat(2, g.slice(queryBlocks, 2, 0, 1), g.slice(queryBlocks, 2, -1, OnnxGraphWriter.TO_END)), 0, 0, -1, headDim);
        String allKeys = g.reshape(keyBlocks, 0, 0, -1, headDim);
        String allValues = g.reshape(valueBlocks, 0, 0, -1, headDim);
        String globalContext = g.reshape(AttentionOps.attend(g, globalQueries, allKeys, allValues, paddedKeys, 4), 0, 0, 2, b, headDim);

        // query blocks 1..B−2: their S key blocks, gathered per head from [batch, heads·B, b, h]
        Layout layout = layout(g, in.layer());
        String headFirstBlock = g.mul(g.reshape(g.longs(headIndices()), config.numHeads(), 1, 1), numBlocks);
        String flatBlocks = g.add(headFirstBlock, layout.blocks());
        String keys = g.reshape(g.gather(g.reshape(keyBlocks, 0, -1, b, headDim), flatBlocks, 1), 0, 0, 0, -1, headDim);
        String values = g.reshape(g.gather(g.reshape(valueBlocks, 0, -1, b, headDim), flatBlocks, 1), 0, 0, 0, -1, headDim);
        String realInSlots = g.mul(g.gather(blockKeys, layout.blocks(), 1), g.unsqueeze(layout.keep(), 3));
        String keep = g.cast(g.unsqueeze(g.reshape(realInSlots, 0, 0, 0, -1), 3), DataType.BOOL);
        String middleContext = AttentionOps.attend(g, g.slice(queryBlocks, 2, 1, -1), keys, values, keep, 5);

        String context = g.concat(2, g.slice(globalContext, 2, 0, 1), middleContext, g.slice(globalContext, 2, 1, 2));
        String sequence = g.slice(g.reshape(context, 0, 0, -1, headDim), 2, g.longs(0), masks.length());
        return AttentionOps.mergeHeads(g, sequence, config.hiddenSize());
    }

    /** [batch, heads, n, h] → [batch, heads, B, b, h]. */
    private String blocks(OnnxGraphWriter g, String x) {
        return g.reshape(g.padEnd(x, 4, 2, padLength), 0, 0, -1, pattern.blockSize(), config.headDim());
    }

    /**
     * The key blocks of query blocks 1..B−2.
     *
     * @param blocks int64 [heads or 1, B−2, S]
     * @param keep   float [1, B−2, S]: 0 for a slot that repeats a fixed block
     */
    private record Layout(String blocks, String keep) {}

    private Layout layout(OnnxGraphWriter g, int layer) {
        String last = g.sub(numBlocks, g.longs(1));
        String rows = g.range(g.longScalar(1), g.squeeze(last));
        String zero = g.mul(rows, g.longs(0));
        String one = g.add(g.cast(zero, DataType.FLOAT), g.floatScalar(1));
        String fixedBlocks = columns(g, zero, g.sub(rows, g.longs(1)), rows, g.add(rows, g.longs(1)), g.add(zero, last));
        String notAfterFirst = g.cast(g.op("Greater", List.of(rows, g.longs(1))), DataType.FLOAT);
        String notBeforeLast = g.cast(g.op("Less", List.of(rows, g.sub(last, g.longs(1)))), DataType.FLOAT);
        String fixedKeep = columns(g, one, notAfterFirst, one, notBeforeLast, one);
        int r = pattern.randomBlocks();
        if (r == 0) {
            return new Layout(g.unsqueeze(fixedBlocks, 0), g.unsqueeze(fixedKeep, 0));
        }
        String keep = g.unsqueeze(g.concat(1, fixedKeep, columns(g, Collections.nCopies(r, one).toArray(String[]::new))), 0);
        String blocks = switch (pattern.randomMode()) {
            case HF_EVAL -> g.unsqueeze(g.concat(1, fixedBlocks, columns(g, Collections.nCopies(r, zero).toArray(String[]::new))), 0);
            case SEEDED -> {
                String perHead = g.add(g.unsqueeze(fixedBlocks, 0), g.reshape(g.longs(new long[config.numHeads()]), config.numHeads(), 1, 1));
                yield g.concat(2, perHead, RandomBlockKeys.draw(g, pattern, config, layer, numBlocks));
            }
        };
        return new Layout(blocks, keep);
    }

    /** Vectors of length B−2 side by side: [B−2, count]. */
    private static String columns(OnnxGraphWriter g, String... vectors) {
        String[] columns = new String[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            columns[i] = g.unsqueeze(vectors[i], 1);
        }
        return g.concat(1, columns);
    }

    private long[] headIndices() {
        long[] heads = new long[config.numHeads()];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = i;
        }
        return heads;
    }
}
