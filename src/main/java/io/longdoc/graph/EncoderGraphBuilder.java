package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.Arrays;
import java.util.List;

/**
 * Compiles encoder weights and an attention pattern into an ONNX model (opset 17, standard ops, weights as
 * initializers). Inputs {@code input_ids}, {@code attention_mask} (1 = real token) and {@code global_attention_mask}
 * (1 = global token; only the sliding-window pattern reads it), all int64 [batch, n] with dynamic batch and n.
 * Outputs {@code last_hidden_state} [batch, n, d] and, with a QA head, {@code start_logits} and {@code end_logits}
 * [batch, n]. The rows of padding positions are unspecified.
 * <p>
 * The encoder is BERT's: word + position + token-type-0 embeddings and LayerNorm, then post-LayerNorm layers whose
 * feed-forward activation is the config's {@link Activation}. Position ids are 0..n−1, or for the RoBERTa family (positionOffset > 0) positionOffset + index
 * among the real tokens, padding keeping padTokenId's row (Hugging Face's create_position_ids_from_input_ids).
 * <p>
 * With {@link GraphOptions#fused()} the attention core of each sliding-window or block-sparse layer — everything
 * between the Q/K/V projections and the attention-output projection — is one onnx-ops {@code longdoc.SparseAttention}
 * node (domain {@code longdoc}, version 1, imported by the model); projections, output projection, residuals and
 * LayerNorms stay as they are. Dense attention has no fused form and stays in standard ops.
 * <p>
 * With {@link Precision#FP16} weights and activations are float16 and the outputs are cast back to float32 at the
 * end ({@link OnnxGraphWriter}); the inputs are int64 either way.
 * <p>
 * With {@link GemmPrecision#INT8} every projection and feed-forward GEMM (Q/K/V, the global Q/K/V, attention output,
 * intermediate, output) is an int8 GEMM with weights quantized per output channel ({@link QuantizedLinear}; the model
 * then imports {@code com.microsoft}, version 1); attention scores and context, LayerNorm, activations, embeddings and
 * the QA head stay fp32.
 */
public final class EncoderGraphBuilder {

    private EncoderGraphBuilder() {}

    public static byte[] build(EncoderWeights weights, AttentionPattern pattern, GraphOptions options) {
        return build(weights, pattern, options, QuantizedLinear.DEFAULT_FORM);
    }

    /** @param int8Form how int8 GEMMs are written when {@code options} asks for int8 (the side-by-side of the two forms) */
    static byte[] build(EncoderWeights weights, AttentionPattern pattern, GraphOptions options, QuantizedLinear.Form int8Form) {
        EncoderConfig config = weights.config();
        checkShapes(weights);
        checkPattern(pattern, config);

        OnnxGraphWriter g = new OnnxGraphWriter("longdoc_encoder", options.precision(), options.gemms(), int8Form);
        String inputIds = g.input("input_ids", DataType.INT64, "batch", "sequence");
        String attentionMask = g.input("attention_mask", DataType.INT64, "batch", "sequence");
        String globalAttentionMask = g.input("global_attention_mask", DataType.INT64, "batch", "sequence");

        TokenMasks masks = TokenMasks.of(g, attentionMask);
        AttentionCore attention = options.fused()
            ? fused(g, pattern, config, masks, globalAttentionMask)
            : new StandardAttention(standard(g, pattern, config, masks, globalAttentionMask), config);

        String hidden = embeddings(g, weights, inputIds, attentionMask, masks);
        for (int layer = 0; layer < config.numLayers(); layer++) {
            hidden = layer(g, config, layer, weights.layers().get(layer), hidden, attention);
        }
        String hiddenSize = String.valueOf(config.hiddenSize());
        g.output(hidden, "last_hidden_state", DataType.FLOAT, "batch", "sequence", hiddenSize);
        if (weights.qaOutputs() != null) {
            // two output columns: no GEMM worth quantizing, and the span logits are the answer
            String logits = g.fp32Linear(hidden, weights.qaOutputs(), "qa_outputs");
            g.output(g.squeeze(g.slice(logits, 2, 0, 1), 2), "start_logits", DataType.FLOAT, "batch", "sequence");
            g.output(g.squeeze(g.slice(logits, 2, 1, 2), 2), "end_logits", DataType.FLOAT, "batch", "sequence");
        }
        return g.toModelBytes();
    }

    private static SelfAttention standard(OnnxGraphWriter g, AttentionPattern pattern, EncoderConfig config, TokenMasks masks, String globalAttentionMask) {
        return switch (pattern) {
            case AttentionPattern.Dense dense -> new DenseAttention(masks, config.hiddenSize());
            case AttentionPattern.SlidingWindow window -> new SlidingWindowAttention(g, window, config, masks, GlobalTokens.of(g, masks, globalAttentionMask));
            case AttentionPattern.BlockSparse blocks -> new BlockSparseAttention(g, blocks, config, masks);
        };
    }

    /**
     * Dense attention stays in standard ops: the op has no dense pattern, and n×n attention is what ONNX Runtime's
     * own MatMul and Softmax kernels already do well.
     */
    private static AttentionCore fused(OnnxGraphWriter g, AttentionPattern pattern, EncoderConfig config, TokenMasks masks, String globalAttentionMask) {
        return switch (pattern) {
            case AttentionPattern.Dense dense -> new StandardAttention(new DenseAttention(masks, config.hiddenSize()), config);
            case AttentionPattern.SlidingWindow window -> new FusedSlidingWindow(g, window, config, masks, globalAttentionMask);
            case AttentionPattern.BlockSparse blocks -> new FusedBlockSparse(g, blocks, config, masks);
        };
    }

    /** Names the offending tensor here rather than leaving ONNX Runtime to fail on a shape at load or run time. */
    private static void checkShapes(EncoderWeights weights) {
        EncoderConfig config = weights.config();
        int d = config.hiddenSize();
        weights.wordEmbeddings().expectShape("embeddings.word", weights.wordEmbeddings().dim(0), d);
        weights.positionEmbeddings().expectShape("embeddings.position", config.maxPositions(), d);
        if (weights.tokenTypeEmbeddings() != null) {
            weights.tokenTypeEmbeddings().expectShape("embeddings.token_type", weights.tokenTypeEmbeddings().dim(0), d);
        }
        weights.embeddingNorm().gamma().expectShape("embeddings.norm.gamma", d);
        for (int layer = 0; layer < config.numLayers(); layer++) {
            LayerWeights w = weights.layers().get(layer);
            String name = "layer." + layer;
            expectLinear(name + ".query", w.query(), d, d);
            expectLinear(name + ".key", w.key(), d, d);
            expectLinear(name + ".value", w.value(), d, d);
            expectLinear(name + ".attention_output", w.attentionOutput(), d, d);
            expectLinear(name + ".intermediate", w.intermediate(), d, config.intermediateSize());
            expectLinear(name + ".output", w.output(), config.intermediateSize(), d);
            w.attentionNorm().gamma().expectShape(name + ".attention_norm.gamma", d);
            w.outputNorm().gamma().expectShape(name + ".output_norm.gamma", d);
            boolean anyGlobal = w.queryGlobal() != null || w.keyGlobal() != null || w.valueGlobal() != null;
            if (anyGlobal && (w.queryGlobal() == null || w.keyGlobal() == null || w.valueGlobal() == null)) {
                throw new IllegalArgumentException("[" + name + "] has some but not all of query_global, key_global and value_global");
            }
            if (anyGlobal) {
                expectLinear(name + ".query_global", w.queryGlobal(), d, d);
                expectLinear(name + ".key_global", w.keyGlobal(), d, d);
                expectLinear(name + ".value_global", w.valueGlobal(), d, d);
            }
        }
        if (weights.qaOutputs() != null) {
            expectLinear("qa_outputs", weights.qaOutputs(), d, 2);
        }
    }

    private static void expectLinear(String name, Linear linear, int in, int out) {
        linear.weight().expectShape(name + ".weight", in, out);
    }

    private static void checkPattern(AttentionPattern pattern, EncoderConfig config) {
        if (pattern instanceof AttentionPattern.SlidingWindow window) {
            if (window.windows().length != config.numLayers()) {
                throw new IllegalArgumentException(
                    "the sliding window needs one window per layer: " + config.numLayers() + " layers, got " + window.windows().length
                );
            }
            if (window.dilations() != null && Arrays.stream(window.dilations()).anyMatch(row -> row.length != config.numHeads())) {
                throw new IllegalArgumentException("dilations need one value per head (" + config.numHeads() + ") on every layer");
            }
        }
    }

    private static String embeddings(OnnxGraphWriter g, EncoderWeights weights, String inputIds, String attentionMask, TokenMasks masks) {
        EncoderConfig config = weights.config();
        String words = g.gather(g.weight("embeddings.word", weights.wordEmbeddings()), inputIds, 0);
        String positionTable = g.weight("embeddings.position", weights.positionEmbeddings());
        String positionIds;
        if (config.positionOffset() > 0) {
            String realIndex = g.op("CumSum", List.of(attentionMask, g.longScalar(1)));
            positionIds = g.where(masks.real(), g.add(realIndex, g.longs(config.positionOffset() - 1L)), g.longs(config.padTokenId()));
        } else {
            positionIds = g.range(g.longScalar(0), g.squeeze(masks.length()));
        }
        String sum = g.add(words, g.gather(positionTable, positionIds, 0));
        FloatTensor tokenTypes = weights.tokenTypeEmbeddings();
        if (tokenTypes != null) {
            float[] typeZero = Arrays.copyOf(tokenTypes.data(), tokenTypes.dim(1));
            sum = g.add(sum, g.weight("embeddings.token_type_0", FloatTensor.of(typeZero, typeZero.length)));
        }
        return g.layerNorm(sum, weights.embeddingNorm(), config.layerNormEps(), "embeddings.norm");
    }

    private static String layer(OnnxGraphWriter g, EncoderConfig config, int layer, LayerWeights w, String hidden, AttentionCore attention) {
        String name = "layer." + layer;
        String query = g.linear(hidden, w.query(), name + ".query");
        String key = g.linear(hidden, w.key(), name + ".key");
        String value = g.linear(hidden, w.value(), name + ".value");

        String context = attention.context(g, new AttentionCore.Projections(layer, w, hidden, query, key, value));
        // bias, residual and LayerNorm in one SkipLayerNormalization (and the erf GELU as one Gelu op): each was a
        // memory-bound pass of its own over [n, d] or [n, intermediate] (profile in docs/BENCHMARKS.md)
        OnnxGraphWriter.Projection attended = g.projection(context, w.attentionOutput(), name + ".attention_output");
        String normed = g.skipLayerNorm(attended, hidden, w.attentionNorm(), config.layerNormEps(), name + ".attention_norm");
        String intermediate = ActivationOps.apply(g, config.activation(), g.projection(normed, w.intermediate(), name + ".intermediate"));
        OnnxGraphWriter.Projection output = g.projection(intermediate, w.output(), name + ".output");
        return g.skipLayerNorm(output, normed, w.outputNorm(), config.layerNormEps(), name + ".output_norm");
    }
}
