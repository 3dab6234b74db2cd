package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.List;

import static io.longdoc.graph.OnnxGraphWriter.attr;

/**
 * BigBird ITC attention as one {@code longdoc.SparseAttention} node per layer (pattern block_sparse). The op decides
 * the short-input fallback on n itself, exactly as {@link BlockSparseAttention}'s {@code If} does. SEEDED feeds the
 * layer's layout drawn by {@link RandomBlockKeys#draw} — the same TopK as the standard-op graph, so both graphs see
 * one layout — into {@code random_block_layout}; HF_EVAL passes no layout (the op makes every random block block 0).
 * With r = 0 the two modes coincide, and the node says hf_eval so that it needs no empty layout.
 */
final class FusedBlockSparse implements AttentionCore {

    private final AttentionPattern.BlockSparse pattern;
    private final EncoderConfig config;
    private final boolean seeded;
    /** int64 0/1 [batch, n]. */
    private final String attentionMask;
    /** bool [1]: short enough for full attention, where the op does not read the layout (SEEDED only). */
    private final String useFullAttention;
    /** B, [1] int64 (SEEDED only). */
    private final String numBlocks;

    FusedBlockSparse(OnnxGraphWriter g, AttentionPattern.BlockSparse pattern, EncoderConfig config, TokenMasks masks) {
        this.pattern = pattern;
        this.config = config;
        this.seeded = pattern.randomMode() == AttentionPattern.RandomBlocks.SEEDED && pattern.randomBlocks() > 0;
        this.attentionMask = SparseAttentionOp.zeroOne(g, masks.real());
        long blockSize = pattern.blockSize();
        long fullAttentionUpTo = (5L + 2L * pattern.randomBlocks()) * blockSize;
        this.useFullAttention = seeded ? g.op("LessOrEqual", List.of(masks.length(), g.longs(fullAttentionUpTo))) : null;
        this.numBlocks = seeded ? g.div(g.add(masks.length(), g.longs(blockSize - 1)), g.longs(blockSize)) : null;
    }

    @Override
    public String context(OnnxGraphWriter g, Projections in) {
        String[] inputs = SparseAttentionOp.requiredInputs(in, attentionMask);
        if (seeded) {
            inputs[SparseAttentionOp.RANDOM_BLOCK_LAYOUT] = layout(g, in.layer());
        }
        return SparseAttentionOp.write(
            g,
            inputs,
            attr("num_heads", (long) config.numHeads()),
            attr("pattern", "block_sparse"),
            attr("block_size", (long) pattern.blockSize()),
            attr("random_blocks", (long) pattern.randomBlocks()),
            attr("random_mode", seeded ? "seeded" : "hf_eval")
        );
    }

    /**
     * int64 [heads, B−2, r]. Drawn only past the fallback length: below it TopK could have fewer candidates than r
     * (B < r on a short input), and the op reads no layout there anyway — it gets an empty [heads, 0, r].
     */
    private String layout(OnnxGraphWriter g, int layer) {
        OnnxGraphWriter none = g.branch("no_random_blocks");
        String empty = none.op("Identity", List.of(g.longTensor(new long[0], config.numHeads(), 0, pattern.randomBlocks())));
        OnnxGraphWriter drawn = g.branch("random_blocks");
        String layout = RandomBlockKeys.draw(drawn, pattern, config, layer, numBlocks);
        return g.ifThenElse(useFullAttention, none.branchGraph(empty, DataType.INT64), drawn.branchGraph(layout, DataType.INT64));
    }
}
