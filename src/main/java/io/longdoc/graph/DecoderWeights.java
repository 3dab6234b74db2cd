package io.longdoc.graph;

import java.util.List;

/**
 * Everything needed to build the decoder graphs.
 *
 * @param tokenEmbeddings    [vocab, d], the embeddings shared with the encoder
 * @param positionEmbeddings [maxPositions, d]; LED reads row p for output position p (no offset)
 * @param lmHead             [d, vocab]: the transpose of the shared embeddings when tied
 * @param finalLogitsBias    [vocab], added to the logits
 */
public record DecoderWeights(
    DecoderConfig config,
    FloatTensor tokenEmbeddings,
    FloatTensor positionEmbeddings,
    LayerNormWeights embeddingNorm,
    List<DecoderLayerWeights> layers,
    FloatTensor lmHead,
    FloatTensor finalLogitsBias
) {
    public DecoderWeights {
        int d = config.hiddenSize();
        if (layers.size() != config.numLayers()) {
            throw new IllegalArgumentException("config says " + config.numLayers() + " decoder layers, weights have " + layers.size());
        }
        tokenEmbeddings.expectShape("decoder.embed_tokens", config.vocabSize(), d);
        positionEmbeddings.expectShape("decoder.embed_positions", config.maxPositions(), d);
        lmHead.expectShape("lm_head", d, config.vocabSize());
        finalLogitsBias.expectShape("final_logits_bias", config.vocabSize());
    }
}
