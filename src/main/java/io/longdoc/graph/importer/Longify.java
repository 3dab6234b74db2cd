package io.longdoc.graph.importer;

import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.EncoderConfig;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.FloatTensor;

/**
 * The Longformer warm start: a short-context encoder (512 positions) becomes a long one by extending its position
 * table with copies of the learned rows, in order, and swapping full attention for a sparse pattern; every other
 * weight is kept. RoBERTa-family tables keep their first {@code positionOffset} rows (the padding rows) in place
 * and repeat only the rows after them, as the Longformer paper's conversion script does. With n ≤ window the
 * result computes what the original computes.
 */
public final class Longify {

    private Longify() {}

    /** Extends to {@code targetTokens} tokens with a sliding window of one-sided size {@code window} on every layer. */
    public static ImportedModel longify(EncoderWeights source, int targetTokens, int window) {
        return longify(source, targetTokens, AttentionPattern.SlidingWindow.uniform(source.config().numLayers(), window));
    }

    /** Extends to {@code targetTokens} tokens by copying the learned rows and pairs the weights with {@code pattern}. */
    public static ImportedModel longify(EncoderWeights source, int targetTokens, AttentionPattern pattern) {
        return longify(source, targetTokens, pattern, PositionExtension.COPY);
    }

    /** Extends to {@code targetTokens} tokens (position rows after the offset, filled by {@code positions}) and pairs the weights with {@code pattern}. */
    public static ImportedModel longify(EncoderWeights source, int targetTokens, AttentionPattern pattern, PositionExtension positions) {
        EncoderConfig config = source.config();
        if (targetTokens < config.maxTokens()) {
            throw new IllegalArgumentException(
                "longify target of " + targetTokens + " tokens is shorter than the model's " + config.maxTokens() + "; it can only extend"
            );
        }
        if (pattern instanceof AttentionPattern.SlidingWindow sliding && sliding.windows().length != config.numLayers()) {
            throw new IllegalArgumentException("the sliding window has " + sliding.windows().length + " layers, the model " + config.numLayers());
        }
        int rows = Math.addExact(targetTokens, config.positionOffset());
        FloatTensor table = positions.extend(source.positionEmbeddings(), config.positionOffset(), rows);
        return new ImportedModel(source.withPositions(config.withMaxPositions(rows), table), pattern);
    }
}
