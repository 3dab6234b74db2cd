package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.List;

import static io.longdoc.graph.OnnxGraphWriter.attr;

/**
 * The global tokens of each sequence of the batch as a dense list of G slots, G being the most any sequence has (at
 * least 1, so no tensor is ever empty). A sequence with fewer global tokens fills its last slots with other
 * positions, which {@link #slotKeep} masks out. Built once in the root graph from {@code global_attention_mask};
 * a padding position is never global.
 */
final class GlobalTokens {

    /** bool [batch, n]. */
    private final String isGlobal;
    /** G, [1] int64. */
    private final String count;
    /** bool [batch, G]: the slot holds a global token. */
    private final String slotKeep;
    /** int64 [batch, G]: the row of each slot's token in a [batch·n, ·] tensor. */
    private final String slotRows;
    /** int64 [batch, n]: the row of each global position's slot in a [batch·G, ·] tensor (0 elsewhere). */
    private final String rowSlots;

    private GlobalTokens(String isGlobal, String count, String slotKeep, String slotRows, String rowSlots) {
        this.isGlobal = isGlobal;
        this.count = count;
        this.slotKeep = slotKeep;
        this.slotRows = slotRows;
        this.rowSlots = rowSlots;
    }

    static GlobalTokens of(OnnxGraphWriter g, TokenMasks masks, String globalAttentionMask) {
        String isGlobal = g.op("And", List.of(g.cast(globalAttentionMask, DataType.BOOL), masks.real()));
        String globalCount = g.cast(isGlobal, DataType.INT64);
        String perSequence = g.op("ReduceSum", List.of(globalCount, g.longs(1)), attr("keepdims", 0L));
        String count = g.op("Max", List.of(g.op("ReduceMax", List.of(perSequence), attr("keepdims", 1L)), g.longs(1)));

        // TopK on global·n + (n − 1 − position): the global positions first, each group in position order
        String n = masks.length();
        String positions = g.range(g.longScalar(0), g.squeeze(n));
        String order = g.add(g.mul(globalCount, n), g.sub(g.sub(n, g.longs(1)), positions));
        String slotPositions = g.topKIndices(order, count, 1);
        String slotKeep = g.op("GatherElements", List.of(isGlobal, slotPositions), attr("axis", 1L));

        String sequenceIndex = g.unsqueeze(g.range(g.longScalar(0), g.squeeze(masks.batch())), 1);
        String slotRows = g.add(slotPositions, g.mul(sequenceIndex, n));
        String slotOfPosition = g.sub(g.op("CumSum", List.of(globalCount, g.longScalar(1))), g.longs(1));
        String rowSlots = g.add(g.where(isGlobal, slotOfPosition, g.longs(0)), g.mul(sequenceIndex, count));
        return new GlobalTokens(isGlobal, count, slotKeep, slotRows, rowSlots);
    }

    String isGlobal() {
        return isGlobal;
    }

    String count() {
        return count;
    }

    String slotKeep() {
        return slotKeep;
    }

    /** The slots' rows of x, [batch, n, width] → [batch, G, width]. */
    String gather(OnnxGraphWriter g, String x, int width) {
        return g.gather(g.reshape(x, -1, width), slotRows, 0);
    }

    /**
     * Replaces the rows of the global tokens in {@code local} ([batch, n, d]) by their attention to all real keys.
     * As in Hugging Face's LongformerSelfAttention, a layer with global projections uses query_global for the global
     * queries and key_global/value_global over all tokens; a layer without reuses the normal projections.
     */
    String withGlobalRows(OnnxGraphWriter g, AttentionInputs in, String local, TokenMasks masks, EncoderConfig config) {
        int hidden = config.hiddenSize();
        LayerWeights weights = in.weights();
        String queries;
        String keys;
        String values;
        if (weights.hasGlobalProjections()) {
            String projected = g.linear(gather(g, in.hidden(), hidden), weights.queryGlobal(), in.name() + ".query_global");
            queries = g.mul(projected, g.floatScalar((float) (1 / Math.sqrt(config.headDim()))));
            keys = AttentionOps.splitHeads(g, g.linear(in.hidden(), weights.keyGlobal(), in.name() + ".key_global"), config.numHeads(), config.headDim());
            values = AttentionOps.splitHeads(g, g.linear(in.hidden(), weights.valueGlobal(), in.name() + ".value_global"), config.numHeads(), config.headDim());
        } else {
            queries = gather(g, in.query().merged(), hidden);
            keys = in.key().heads();
            values = in.value().heads();
        }
        String queryHeads = AttentionOps.splitHeads(g, queries, config.numHeads(), config.headDim());
        String context = AttentionOps.attend(g, queryHeads, keys, values, masks.realKeys(), 4);
        String slotContext = g.reshape(AttentionOps.mergeHeads(g, context, hidden), -1, hidden);
        return g.where(g.unsqueeze(isGlobal, 2), g.gather(slotContext, rowSlots, 0), local);
    }
}
