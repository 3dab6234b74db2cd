package io.longdoc.graph;

/**
 * The hyper-parameters of a BART-style decoder (LED's): post-LayerNorm layers of causal self-attention,
 * cross-attention over the encoder's states and a feed-forward block, then a language-model head.
 *
 * @param hiddenSize   d (LED's d_model, shared with the encoder)
 * @param numHeads     decoder_attention_heads; head dim = d / numHeads
 * @param ffnSize      decoder_ffn_dim
 * @param numLayers    decoder_layers
 * @param maxPositions max_decoder_position_embeddings: the longest output, decoder start token included
 * @param vocabSize    rows of the shared embeddings and columns of the logits
 * @param layerNormEps every LayerNorm's epsilon (torch's nn.LayerNorm default 1e-5 for LED)
 * @param activation   activation_function
 */
public record DecoderConfig(
    int hiddenSize,
    int numHeads,
    int ffnSize,
    int numLayers,
    int maxPositions,
    int vocabSize,
    float layerNormEps,
    Activation activation
) {
    public DecoderConfig {
        java.util.Objects.requireNonNull(activation, "activation");
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " is not a multiple of the " + numHeads + " decoder heads");
        }
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }
}
