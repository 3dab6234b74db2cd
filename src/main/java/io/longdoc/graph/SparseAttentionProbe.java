package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/**
 * The smallest model holding one {@code longdoc.SparseAttention} node of a given precision: q, k, v [1, n, 8] and the
 * attention mask in, the context out, one head, a window of 1. Nothing else is in it, so a session that refuses to put
 * any node on the CPU ({@code session.disable_cpu_ep_fallback}) opens exactly when the execution provider asked for
 * takes the fused op of that element type — which a full encoder graph cannot show, its shape computations being on
 * the CPU by design.
 */
public final class SparseAttentionProbe {

    private static final int HIDDEN = 8;

    private SparseAttentionProbe() {}

    public static byte[] model(Precision precision) {
        OnnxGraphWriter g = new OnnxGraphWriter("longdoc_sparse_attention_probe", precision);
        DataType type = precision == Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT;
        String hidden = String.valueOf(HIDDEN);
        String[] inputs = new String[SparseAttentionOp.INPUT_COUNT];
        inputs[SparseAttentionOp.QUERY] = g.input("query", type, "1", "sequence", hidden);
        inputs[SparseAttentionOp.KEY] = g.input("key", type, "1", "sequence", hidden);
        inputs[SparseAttentionOp.VALUE] = g.input("value", type, "1", "sequence", hidden);
        inputs[SparseAttentionOp.ATTENTION_MASK] = g.input("attention_mask", DataType.INT64, "1", "sequence");
        String context = SparseAttentionOp.write(
            g,
            inputs,
            OnnxGraphWriter.attr("num_heads", 1L),
            OnnxGraphWriter.attr("pattern", "sliding_window"),
            OnnxGraphWriter.attr("window", 1L)
        );
        // no cast at this edge: the output keeps the op's type, so the op is the model's only node besides Identity
        g.output(context, "context", type, "1", "sequence", hidden);
        return g.toModelBytes();
    }
}
