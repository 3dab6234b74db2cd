package io.longdoc.graph;

/** A {@link SelfAttention} pattern in standard ops: scales the query by 1/√h and splits the projections into heads for it. */
record StandardAttention(SelfAttention pattern, EncoderConfig config) implements AttentionCore {

    @Override
    public String context(OnnxGraphWriter g, Projections in) {
        String query = g.mul(in.query(), g.floatScalar((float) (1 / Math.sqrt(config.headDim()))));
        return pattern.context(g, new AttentionInputs(in.layer(), in.weights(), in.hidden(), heads(g, query), heads(g, in.key()), heads(g, in.value())));
    }

    private AttentionInputs.Projection heads(OnnxGraphWriter g, String merged) {
        return new AttentionInputs.Projection(merged, AttentionOps.splitHeads(g, merged, config.numHeads(), config.headDim()));
    }
}
