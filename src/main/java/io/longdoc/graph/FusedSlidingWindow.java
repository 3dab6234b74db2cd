package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.longdoc.graph.OnnxGraphWriter.attr;
import static io.longdoc.graph.OnnxGraphWriter.ints;

/**
 * Longformer attention as one {@code longdoc.SparseAttention} node per layer (pattern sliding_window): the layer's
 * window and per-head dilations become attributes, {@code global_attention_mask} goes in as it is (the op keeps
 * padding positions from being global, as {@link GlobalTokens} does), and a layer with global projections feeds
 * them over all n rows, as the op's contract asks.
 */
final class FusedSlidingWindow implements AttentionCore {

    private final AttentionPattern.SlidingWindow pattern;
    private final EncoderConfig config;
    /** int64 0/1 [batch, n]. */
    private final String attentionMask;
    /** int64 0/1 [batch, n]. */
    private final String globalMask;

    FusedSlidingWindow(OnnxGraphWriter g, AttentionPattern.SlidingWindow pattern, EncoderConfig config, TokenMasks masks, String globalAttentionMask) {
        this.pattern = pattern;
        this.config = config;
        this.attentionMask = SparseAttentionOp.zeroOne(g, masks.real());
        this.globalMask = SparseAttentionOp.zeroOne(g, g.cast(globalAttentionMask, DataType.BOOL));
    }

    @Override
    public String context(OnnxGraphWriter g, Projections in) {
        String[] inputs = SparseAttentionOp.requiredInputs(in, attentionMask);
        inputs[SparseAttentionOp.GLOBAL_ATTENTION_MASK] = globalMask;
        LayerWeights weights = in.weights();
        if (weights.hasGlobalProjections()) {
            inputs[SparseAttentionOp.QUERY_GLOBAL] = g.linear(in.hidden(), weights.queryGlobal(), in.name() + ".query_global");
            inputs[SparseAttentionOp.KEY_GLOBAL] = g.linear(in.hidden(), weights.keyGlobal(), in.name() + ".key_global");
            inputs[SparseAttentionOp.VALUE_GLOBAL] = g.linear(in.hidden(), weights.valueGlobal(), in.name() + ".value_global");
        }
        List<AttributeProto> attributes = new ArrayList<>(
            List.of(attr("num_heads", (long) config.numHeads()), attr("pattern", "sliding_window"), attr("window", (long) pattern.windows()[in.layer()]))
        );
        if (pattern.dilations() != null) {
            attributes.add(ints("dilation", Arrays.stream(pattern.dilations()[in.layer()]).asLongStream().toArray()));
        }
        return SparseAttentionOp.write(g, inputs, attributes.toArray(AttributeProto[]::new));
    }
}
