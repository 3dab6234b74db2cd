package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/**
 * Values every layer needs, derived once from the {@code attention_mask} input in the root graph (so the bodies of
 * {@code If} branches can use them too).
 *
 * @param length      n, [1] int64
 * @param batch       batch size, [1] int64
 * @param real        bool [batch, n]: a real token, not padding
 * @param realFloat   1 for a real token, 0 for padding, float [batch, n]
 * @param realKeys    bool [batch, 1, 1, n]: which keys any query may see at most
 */
record TokenMasks(String length, String batch, String real, String realFloat, String realKeys) {

    static TokenMasks of(OnnxGraphWriter g, String attentionMask) {
        String real = g.cast(attentionMask, DataType.BOOL);
        return new TokenMasks(g.dim(attentionMask, 1), g.dim(attentionMask, 0), real, g.cast(real, DataType.FLOAT), g.unsqueeze(real, 1, 2));
    }

    /** How many positions to append so that n becomes a multiple of {@code unit}, [1] int64. */
    String padLength(OnnxGraphWriter g, long unit) {
        String unitValue = g.longs(unit);
        String units = g.div(g.add(length, g.longs(unit - 1)), unitValue);
        return g.sub(g.mul(units, unitValue), length);
    }
}
