package io.longdoc.graph;

/**
 * The hyper-parameters of a BERT-family encoder.
 *
 * @param architecture      bert, roberta, longformer or big_bird (as Hugging Face's {@code model_type})
 * @param hiddenSize        d
 * @param numHeads          attention heads; head dim = d / numHeads
 * @param intermediateSize  feed-forward width
 * @param numLayers         transformer layers
 * @param maxPositions      rows of the position table the model uses (after longify: the long length, offset included)
 * @param positionOffset    index of the first real position (RoBERTa family: padding_idx + 1 = 2; BERT: 0)
 * @param padTokenId        id of the padding token (RoBERTa position ids count from it)
 * @param layerNormEps      LayerNorm epsilon (every LayerNorm, the embeddings' included)
 * @param activation        the feed-forward activation (Hugging Face's hidden_act)
 */
public record EncoderConfig(
    String architecture,
    int hiddenSize,
    int numHeads,
    int intermediateSize,
    int numLayers,
    int maxPositions,
    int positionOffset,
    int padTokenId,
    float layerNormEps,
    Activation activation
) {
    public EncoderConfig {
        java.util.Objects.requireNonNull(activation, "activation");
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " is not a multiple of the " + numHeads + " heads");
        }
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Longest input in tokens: the position rows after the offset. */
    public int maxTokens() {
        return maxPositions - positionOffset;
    }

    public EncoderConfig withMaxPositions(int positions) {
        return new EncoderConfig(architecture, hiddenSize, numHeads, intermediateSize, numLayers, positions, positionOffset, padTokenId, layerNormEps, activation);
    }

    public EncoderConfig withActivation(Activation other) {
        return new EncoderConfig(architecture, hiddenSize, numHeads, intermediateSize, numLayers, maxPositions, positionOffset, padTokenId, layerNormEps, other);
    }
}
