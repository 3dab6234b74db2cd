package io.longdoc.model;

import ai.onnxruntime.OrtException;
import io.longdoc.runtime.Encoder;
import io.longdoc.runtime.HiddenStates;

/**
 * A loaded model run with global attention on tokens the caller picks — a title before the body — where
 * {@link LoadedModel#encode} gives it to [CLS] alone. Same session, same pooling and the same stats as the loaded
 * model; a model without a {@code global_attention_mask} input (dense attention: every token already sees every
 * other) ignores the mask. Get one from {@link ModelRegistry#withGlobalAttention}.
 */
public final class GlobalAttentionModel {

    private final ModelSpec spec;
    private final Encoder encoder;
    private final ModelStats stats;

    GlobalAttentionModel(ModelSpec spec, Encoder encoder, ModelStats stats) {
        this.spec = spec;
        this.encoder = encoder;
        this.stats = stats;
    }

    public ModelSpec spec() {
        return spec;
    }

    /**
     * One forward pass over {@code tokenIds} (at most {@link ModelSpec#maxTokens()}) with global attention where
     * {@code globalMask} is 1; the document vector pools every row, the global tokens' included.
     */
    public LoadedModel.Encoding encode(long[] tokenIds, long[] globalMask) throws OrtException {
        if (tokenIds.length > spec.maxTokens()) {
            throw new IllegalArgumentException(
                "model [" + spec.id() + "] reads at most " + spec.maxTokens() + " tokens, got " + tokenIds.length + " (truncate first)"
            );
        }
        long start = System.nanoTime();
        HiddenStates hidden = encoder.encode(tokenIds, globalMask);
        float[] vector = switch (spec.pooling()) {
            case CLS -> hidden.first();
            case MEAN -> hidden.mean();
        };
        if (spec.normalize()) {
            HiddenStates.normalize(vector);
        }
        stats.recordInference(1, tokenIds.length, System.nanoTime() - start);
        return new LoadedModel.Encoding(vector, hidden);
    }
}
