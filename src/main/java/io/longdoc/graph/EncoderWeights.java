package io.longdoc.graph;

import java.util.List;

/**
 * Everything needed to build an encoder graph: config, embedding tables, layers and an optional question-answering
 * head ({@code qaOutputs}: hidden → 2 logits, start and end).
 *
 * @param wordEmbeddings      [vocab, d]
 * @param positionEmbeddings  [maxPositions, d]
 * @param tokenTypeEmbeddings [types, d] or null
 */
public record EncoderWeights(
    EncoderConfig config,
    FloatTensor wordEmbeddings,
    FloatTensor positionEmbeddings,
    FloatTensor tokenTypeEmbeddings,
    LayerNormWeights embeddingNorm,
    List<LayerWeights> layers,
    Linear qaOutputs
) {
    public EncoderWeights {
        if (layers.size() != config.numLayers()) {
            throw new IllegalArgumentException("config says " + config.numLayers() + " layers, weights have " + layers.size());
        }
        if (positionEmbeddings.dim(0) != config.maxPositions()) {
            throw new IllegalArgumentException(
                "config says " + config.maxPositions() + " positions, the position table has " + positionEmbeddings.dim(0) + " rows"
            );
        }
    }

    public EncoderWeights withPositions(EncoderConfig newConfig, FloatTensor newPositions) {
        return new EncoderWeights(newConfig, wordEmbeddings, newPositions, tokenTypeEmbeddings, embeddingNorm, layers, qaOutputs);
    }
}
