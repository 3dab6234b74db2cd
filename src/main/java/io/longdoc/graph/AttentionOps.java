package io.longdoc.graph;

/** The pieces every attention variant is made of: splitting heads and masked softmax attention. */
final class AttentionOps {

    /**
     * The score of a key a query may not see. Against any real score its weight underflows to exactly 0, and it stays
     * finite, so a row that sees no key at all (a padding query) gives no NaN.
     */
    static final float MASKED = -1e9f;

    private AttentionOps() {}

    /** [batch, m, heads·h] → [batch, heads, m, h]. */
    static String splitHeads(OnnxGraphWriter g, String x, int heads, int headDim) {
        return g.transpose(g.reshape(x, 0, 0, heads, headDim), 0, 2, 1, 3);
    }

    /** [batch, heads, m, h] → [batch, m, heads·h]. */
    static String mergeHeads(OnnxGraphWriter g, String x, int hidden) {
        return g.reshape(g.transpose(x, 0, 2, 1, 3), 0, 0, hidden);
    }

    /**
     * softmax(q·kᵀ) · v over the last two axes of rank-{@code rank} tensors, where {@code keep} (bool, broadcast
     * against the scores) says which keys each query may see; q is already scaled by 1/√h.
     */
    static String attend(OnnxGraphWriter g, String q, String k, String v, String keep, int rank) {
        String scores = g.matMul(q, g.transposeLastTwo(k, rank));
        String probabilities = g.softmax(g.where(keep, scores, g.floatScalar(MASKED)));
        return g.matMul(probabilities, v);
    }
}
