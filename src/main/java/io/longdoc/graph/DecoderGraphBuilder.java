package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.List;

/**
 * Compiles a BART-style decoder (LED's) into two ONNX graphs (opset 17, standard ops, weights as initializers), so
 * that generation costs one small graph run per token:
 * <ul>
 * <li>{@link #crossKeyValues}: the encoder's states → every layer's cross-attention keys and values, computed once
 * per document. Input {@value #ENCODER_HIDDEN} [batch, source, d]; outputs {@code cross_key_<l>} and
 * {@code cross_value_<l>} [batch, heads, source, head_dim].</li>
 * <li>{@link #step}: new tokens + the self-attention cache → logits and the grown cache. Inputs {@value #INPUT_IDS}
 * [batch, t] int64; {@value #BEAM_INDEX} [batch] int64, the row of the past that each new row extends (beam search
 * reorders the cache with it; greedy passes 0); {@code past_key_<l>}/{@code past_value_<l>} [pastBatch, heads, past,
 * head_dim] (past = 0 on the first step); the cross keys/values and {@value #ENCODER_MASK} [batch or 1, source] int64
 * (1 = a real source token), which broadcast over the batch when their batch is 1. Outputs {@value #LOGITS} [batch, t,
 * vocab] and {@code present_key_<l>}/{@code present_value_<l>} [batch, heads, past + t, head_dim].</li>
 * </ul>
 * As in transformers' LEDDecoder: token embedding + position embedding of positions past .. past + t − 1 (no offset,
 * no embedding scale), layernorm_embedding; each layer post-LN: causal self-attention (query scaled by head_dim^−½, key
 * j visible to query i when j ≤ past + i), cross-attention over the source tokens the mask keeps, fc1 → activation →
 * fc2; logits = h · lm_head + final_logits_bias.
 */
public final class DecoderGraphBuilder {

    public static final String ENCODER_HIDDEN = "encoder_hidden_states";
    public static final String INPUT_IDS = "input_ids";
    public static final String BEAM_INDEX = "beam_index";
    public static final String ENCODER_MASK = "encoder_attention_mask";
    public static final String LOGITS = "logits";

    private DecoderGraphBuilder() {}

    public static String crossKey(int layer) {
        return "cross_key_" + layer;
    }

    public static String crossValue(int layer) {
        return "cross_value_" + layer;
    }

    public static String pastKey(int layer) {
        return "past_key_" + layer;
    }

    public static String pastValue(int layer) {
        return "past_value_" + layer;
    }

    public static String presentKey(int layer) {
        return "present_key_" + layer;
    }

    public static String presentValue(int layer) {
        return "present_value_" + layer;
    }

    public static byte[] crossKeyValues(DecoderWeights weights) {
        DecoderConfig config = weights.config();
        OnnxGraphWriter g = new OnnxGraphWriter("longdoc_decoder_cross_kv");
        String hidden = g.input(ENCODER_HIDDEN, DataType.FLOAT, "batch", "source", String.valueOf(config.hiddenSize()));
        String heads = String.valueOf(config.numHeads());
        String headDim = String.valueOf(config.headDim());
        for (int layer = 0; layer < config.numLayers(); layer++) {
            DecoderLayerWeights.AttentionWeights cross = weights.layers().get(layer).crossAttention();
            String name = "decoder.layer." + layer + ".encoder_attn";
            String key = AttentionOps.splitHeads(g, g.linear(hidden, cross.key(), name + ".k_proj"), config.numHeads(), config.headDim());
            String value = AttentionOps.splitHeads(g, g.linear(hidden, cross.value(), name + ".v_proj"), config.numHeads(), config.headDim());
            g.output(key, crossKey(layer), DataType.FLOAT, "batch", heads, "source", headDim);
            g.output(value, crossValue(layer), DataType.FLOAT, "batch", heads, "source", headDim);
        }
        return g.toModelBytes();
    }

    public static byte[] step(DecoderWeights weights) {
        DecoderConfig config = weights.config();
        OnnxGraphWriter g = new OnnxGraphWriter("longdoc_decoder_step");
        String heads = String.valueOf(config.numHeads());
        String headDim = String.valueOf(config.headDim());
        String inputIds = g.input(INPUT_IDS, DataType.INT64, "batch", "new_tokens");
        String beamIndex = g.input(BEAM_INDEX, DataType.INT64, "batch");
        String encoderMask = g.input(ENCODER_MASK, DataType.INT64, "encoder_batch", "source");
        String[] pastKeys = new String[config.numLayers()];
        String[] pastValues = new String[config.numLayers()];
        String[] crossKeys = new String[config.numLayers()];
        String[] crossValues = new String[config.numLayers()];
        for (int layer = 0; layer < config.numLayers(); layer++) {
            pastKeys[layer] = g.input(pastKey(layer), DataType.FLOAT, "past_batch", heads, "past", headDim);
            pastValues[layer] = g.input(pastValue(layer), DataType.FLOAT, "past_batch", heads, "past", headDim);
            crossKeys[layer] = g.input(crossKey(layer), DataType.FLOAT, "encoder_batch", heads, "source", headDim);
            crossValues[layer] = g.input(crossValue(layer), DataType.FLOAT, "encoder_batch", heads, "source", headDim);
        }

        // positions past .. past + t − 1 (LEDLearnedPositionalEmbedding with past_key_values_length)
        String past = g.squeeze(g.dim(pastKeys[0], 2));
        String end = g.add(past, g.squeeze(g.dim(inputIds, 1)));
        String queryPositions = g.range(past, end);
        String keyPositions = g.range(g.longScalar(0), end);
        String causal = g.op("LessOrEqual", List.of(g.unsqueeze(keyPositions, 0), g.unsqueeze(queryPositions, 1)));
        String sourceKeep = g.unsqueeze(g.cast(encoderMask, DataType.BOOL), 1, 2);

        String tokens = g.gather(g.weight("decoder.embed_tokens", weights.tokenEmbeddings()), inputIds, 0);
        String positions = g.gather(g.weight("decoder.embed_positions", weights.positionEmbeddings()), queryPositions, 0);
        String hidden = g.layerNorm(g.add(tokens, positions), weights.embeddingNorm(), config.layerNormEps(), "decoder.layernorm_embedding");

        float scale = (float) Math.pow(config.headDim(), -0.5);
        for (int layer = 0; layer < config.numLayers(); layer++) {
            DecoderLayerWeights w = weights.layers().get(layer);
            String name = "decoder.layer." + layer;

            DecoderLayerWeights.AttentionWeights self = w.selfAttention();
            String query = heads(g, g.mul(g.linear(hidden, self.query(), name + ".self_attn.q_proj"), g.floatScalar(scale)), config);
            String key = g.concat(2, g.gather(pastKeys[layer], beamIndex, 0), heads(g, g.linear(hidden, self.key(), name + ".self_attn.k_proj"), config));
            String value = g.concat(2, g.gather(pastValues[layer], beamIndex, 0), heads(g, g.linear(hidden, self.value(), name + ".self_attn.v_proj"), config));
            g.output(key, presentKey(layer), DataType.FLOAT, "batch", heads, "total", headDim);
            g.output(value, presentValue(layer), DataType.FLOAT, "batch", heads, "total", headDim);
            String context = AttentionOps.mergeHeads(g, AttentionOps.attend(g, query, key, value, causal, 4), config.hiddenSize());
            hidden = g.layerNorm(
                g.add(hidden, g.linear(context, self.output(), name + ".self_attn.out_proj")),
                w.selfAttentionNorm(),
                config.layerNormEps(),
                name + ".self_attn_layer_norm"
            );

            DecoderLayerWeights.AttentionWeights cross = w.crossAttention();
            String crossQuery = heads(g, g.mul(g.linear(hidden, cross.query(), name + ".encoder_attn.q_proj"), g.floatScalar(scale)), config);
            String crossContext = AttentionOps.mergeHeads(
                g,
                AttentionOps.attend(g, crossQuery, crossKeys[layer], crossValues[layer], sourceKeep, 4),
                config.hiddenSize()
            );
            hidden = g.layerNorm(
                g.add(hidden, g.linear(crossContext, cross.output(), name + ".encoder_attn.out_proj")),
                w.crossAttentionNorm(),
                config.layerNormEps(),
                name + ".encoder_attn_layer_norm"
            );

            String inner = ActivationOps.apply(g, config.activation(), g.linear(hidden, w.fc1(), name + ".fc1"));
            hidden = g.layerNorm(g.add(hidden, g.linear(inner, w.fc2(), name + ".fc2")), w.finalNorm(), config.layerNormEps(), name + ".final_layer_norm");
        }
        String logits = g.add(g.matMul(hidden, g.weight("lm_head", weights.lmHead())), g.weight("final_logits_bias", weights.finalLogitsBias()));
        g.output(logits, LOGITS, DataType.FLOAT, "batch", "new_tokens", String.valueOf(config.vocabSize()));
        return g.toModelBytes();
    }

    private static String heads(OnnxGraphWriter g, String merged, DecoderConfig config) {
        return AttentionOps.splitHeads(g, merged, config.numHeads(), config.headDim());
    }
}
