package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The onnx-ops node {@code longdoc.SparseAttention}, version 1. Its contract (inputs, attributes, semantics) is the
 * comment at the top of onnx-ops/include/longdoc_ops.h; the input positions here follow it.
 */
final class SparseAttentionOp {

    static final String DOMAIN = "longdoc";
    static final int VERSION = 1;
    static final String TYPE = "SparseAttention";

    static final int QUERY = 0;
    static final int KEY = 1;
    static final int VALUE = 2;
    static final int ATTENTION_MASK = 3;
    static final int GLOBAL_ATTENTION_MASK = 4;
    static final int QUERY_GLOBAL = 5;
    static final int KEY_GLOBAL = 6;
    static final int VALUE_GLOBAL = 7;
    static final int RANDOM_BLOCK_LAYOUT = 8;
    static final int INPUT_COUNT = 9;

    private SparseAttentionOp() {}

    /**
     * Writes one node. {@code inputs} is indexed by input position, null for an optional input left out.
     *
     * @return the context, [batch, n, d]
     */
    static String write(OnnxGraphWriter g, String[] inputs, AttributeProto... attributes) {
        if (inputs.length != INPUT_COUNT) {
            throw new IllegalArgumentException("SparseAttention has " + INPUT_COUNT + " input positions, got " + inputs.length);
        }
        List<String> names = new ArrayList<>(Arrays.asList(inputs));
        while (names.get(names.size() - 1) == null) {
            names.remove(names.size() - 1); // trailing optional inputs are simply not listed
        }
        names.replaceAll(name -> name == null ? "" : name); // an inner one is an empty name
        return g.customOp(DOMAIN, VERSION, TYPE, names, attributes);
    }

    /** The node's input slots with the inputs every pattern feeds (Q, K, V, attention mask); the rest left empty. */
    static String[] requiredInputs(AttentionCore.Projections in, String attentionMask) {
        String[] inputs = new String[INPUT_COUNT];
        inputs[QUERY] = in.query();
        inputs[KEY] = in.key();
        inputs[VALUE] = in.value();
        inputs[ATTENTION_MASK] = attentionMask;
        return inputs;
    }

    /**
     * int64 0/1 [batch, n] from a bool mask. The graph's inputs count any non-zero value as set, the op rejects
     * anything but 0 and 1, so the masks pass through bool first.
     */
    static String zeroOne(OnnxGraphWriter g, String boolMask) {
        return g.cast(boolMask, DataType.INT64);
    }
}
