package io.longdoc.graph.importer;

import io.longdoc.graph.AttentionPattern;
import io.longdoc.graph.DecoderConfig;
import io.longdoc.graph.DecoderLayerWeights;
import io.longdoc.graph.DecoderWeights;
import io.longdoc.graph.EncoderConfig;
import io.longdoc.graph.EncoderWeights;
import io.longdoc.graph.FloatTensor;
import io.longdoc.graph.LayerNormWeights;
import io.longdoc.graph.LayerWeights;
import io.longdoc.graph.Linear;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Imports an LED checkpoint folder ({@code config.json} + {@code model.safetensors}, LEDForConditionalGeneration or
 * LEDModel) as the weights of two parts, following transformers' modeling_led.py:
 * <ul>
 * <li>the encoder, as an {@link EncoderWeights} the sparse-attention builder compiles: LED's encoder is a post-LN
 * Longformer without token types, positions 0 .. n − 1 with no offset (LEDLearnedPositionalEmbedding), no embedding
 * scale, layernorm_embedding as the embedding LayerNorm; each layer's self_attn.longformer_self_attn
 * query/key/value and query_global/key_global/value_global, self_attn.output, self_attn_layer_norm, fc1, fc2 and
 * final_layer_norm; the pattern is the sliding window of one-sided attention_window / 2 per layer;</li>
 * <li>the decoder and head as {@link DecoderWeights}: lm_head.weight when the file has it, else the shared embeddings
 * (tied, the usual case: save_pretrained leaves the tied copy out), plus final_logits_bias (zeros when absent, as the
 * buffer's initial value).</li>
 * </ul>
 * Tensors that nothing reads fail the import, so that a checkpoint of another layout is not half-read.
 */
public final class LedCheckpointImporter {

    /** The imported parts; {@code pattern} is the encoder's. */
    public record ImportedLed(LedConfig config, EncoderWeights encoder, AttentionPattern.SlidingWindow pattern, DecoderWeights decoder) {}

    private LedCheckpointImporter() {}

    public static ImportedLed importFolder(Path folder) throws IOException {
        LedConfig config = LedConfig.read(folder);
        try (CheckpointTensors tensors = CheckpointTensors.open(folder)) {
            Tensors t = new Tensors(tensors);
            FloatTensor shared = t.first("shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight");
            if (shared.rank() != 2 || shared.dim(0) != config.vocabSize() || shared.dim(1) != config.dModel()) {
                throw new IllegalArgumentException(
                    "the shared embeddings have shape " + Arrays.toString(shared.shape()) + ", but [" + LedConfig.FILE + "] says vocab_size "
                        + config.vocabSize() + " and d_model " + config.dModel()
                );
            }
            t.markRead("encoder.embed_tokens.weight", "decoder.embed_tokens.weight");
            EncoderWeights encoder = encoder(config, t, shared);
            DecoderWeights decoder = decoder(config, t, shared);
            t.rejectUnread();
            int[] oneSided = Arrays.stream(config.attentionWindow()).map(w -> w / 2).toArray();
            return new ImportedLed(config, encoder, new AttentionPattern.SlidingWindow(oneSided, null), decoder);
        }
    }

    private static EncoderWeights encoder(LedConfig c, Tensors t, FloatTensor shared) throws IOException {
        EncoderConfig config = new EncoderConfig(
            "led",
            c.dModel(),
            c.encoderHeads(),
            c.encoderFfn(),
            c.encoderLayers(),
            c.maxEncoderPositions(),
            0,
            c.padTokenId(),
            LedConfig.LAYER_NORM_EPS,
            c.activation()
        );
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.encoderLayers(); l++) {
            String p = "encoder.layers." + l + ".";
            String a = p + "self_attn.longformer_self_attn.";
            layers.add(
                new LayerWeights(
                    t.linear(a + "query"),
                    t.linear(a + "key"),
                    t.linear(a + "value"),
                    t.linear(p + "self_attn.output"),
                    t.norm(p + "self_attn_layer_norm"),
                    t.linear(p + "fc1"),
                    t.linear(p + "fc2"),
                    t.norm(p + "final_layer_norm"),
                    t.linear(a + "query_global"),
                    t.linear(a + "key_global"),
                    t.linear(a + "value_global")
                )
            );
        }
        FloatTensor positions = t.table("encoder.embed_positions.weight").expectShape("encoder.embed_positions", c.maxEncoderPositions(), c.dModel());
        return new EncoderWeights(config, shared, positions, null, t.norm("encoder.layernorm_embedding"), layers, null);
    }

    /** The files whose content decides the compiled graphs: config.json and the weights (one file, or index and shards). */
    public static List<Path> weightFiles(Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(folder.resolve(LedConfig.FILE));
        files.addAll(CheckpointTensors.files(folder));
        return files;
    }

    /** The decoder's shape, which the step graph's cache inputs follow; known from config.json alone. */
    public static DecoderConfig decoderConfig(LedConfig c) {
        return new DecoderConfig(
            c.dModel(),
            c.decoderHeads(),
            c.decoderFfn(),
            c.decoderLayers(),
            c.maxDecoderPositions(),
            c.vocabSize(),
            LedConfig.LAYER_NORM_EPS,
            c.activation()
        );
    }

    private static DecoderWeights decoder(LedConfig c, Tensors t, FloatTensor shared) throws IOException {
        DecoderConfig config = decoderConfig(c);
        List<DecoderLayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < c.decoderLayers(); l++) {
            String p = "decoder.layers." + l + ".";
            layers.add(
                new DecoderLayerWeights(
                    attention(t, p + "self_attn."),
                    t.norm(p + "self_attn_layer_norm"),
                    attention(t, p + "encoder_attn."),
                    t.norm(p + "encoder_attn_layer_norm"),
                    t.linear(p + "fc1"),
                    t.linear(p + "fc2"),
                    t.norm(p + "final_layer_norm")
                )
            );
        }
        FloatTensor lmHead = t.optionalOutside("lm_head.weight");
        lmHead = (lmHead == null ? shared : lmHead.expectShape("lm_head.weight", c.vocabSize(), c.dModel())).transpose2d();
        FloatTensor bias = t.optionalOutside("final_logits_bias");
        bias = bias == null
            ? FloatTensor.of(new float[c.vocabSize()], c.vocabSize())
            : FloatTensor.of(bias.expectShape("final_logits_bias", 1, c.vocabSize()).data(), c.vocabSize());
        FloatTensor positions = t.table("decoder.embed_positions.weight").expectShape("decoder.embed_positions", c.maxDecoderPositions(), c.dModel());
        return new DecoderWeights(config, shared, positions, t.norm("decoder.layernorm_embedding"), layers, lmHead, bias);
    }

    private static DecoderLayerWeights.AttentionWeights attention(Tensors t, String prefix) throws IOException {
        return new DecoderLayerWeights.AttentionWeights(
            t.linear(prefix + "q_proj"),
            t.linear(prefix + "k_proj"),
            t.linear(prefix + "v_proj"),
            t.linear(prefix + "out_proj")
        );
    }

    /** The checkpoint's tensors under the model prefix ({@code led.} or none), remembering which were read. */
    private static final class Tensors {
        private final CheckpointTensors tensors;
        private final String prefix;
        private final Set<String> read = new TreeSet<>();

        Tensors(CheckpointTensors tensors) {
            this.tensors = tensors;
            this.prefix = tensors.names().stream().anyMatch(n -> n.startsWith("led.")) ? "led." : "";
        }

        FloatTensor table(String name) throws IOException {
            return get(prefix + name);
        }

        FloatTensor first(String... names) throws IOException {
            for (String name : names) {
                if (tensors.contains(prefix + name)) {
                    return get(prefix + name);
                }
            }
            throw new IllegalArgumentException("[" + tensors.describe() + "] has none of " + Arrays.toString(names) + " under [" + prefix + "]");
        }

        void markRead(String... names) {
            for (String name : names) {
                read.add(prefix + name);
            }
        }

        /** A tensor beside the model (the head's), or null. */
        FloatTensor optionalOutside(String name) throws IOException {
            return tensors.contains(name) ? get(name) : null;
        }

        Linear linear(String path) throws IOException {
            FloatTensor weight = get(prefix + path + ".weight");
            if (weight.rank() != 2) {
                throw new IllegalArgumentException("[" + prefix + path + ".weight] has shape " + Arrays.toString(weight.shape()) + ", expected [out, in]");
            }
            return new Linear(weight.transpose2d(), get(prefix + path + ".bias").expectShape(prefix + path + ".bias", weight.dim(0)));
        }

        LayerNormWeights norm(String path) throws IOException {
            return new LayerNormWeights(get(prefix + path + ".weight"), get(prefix + path + ".bias"));
        }

        private FloatTensor get(String name) throws IOException {
            if (tensors.contains(name) == false) {
                throw new IllegalArgumentException("[" + tensors.describe() + "] has no tensor [" + name + "], which an LED checkpoint needs");
            }
            read.add(name);
            return tensors.read(name);
        }

        void rejectUnread() {
            List<String> unread = tensors.names().stream().filter(n -> read.contains(n) == false).toList();
            if (unread.isEmpty() == false) {
                throw new IllegalArgumentException(
                    "[" + tensors.describe() + "] has tensors an LED checkpoint does not have: " + unread.subList(0, Math.min(5, unread.size()))
                );
            }
        }
    }
}
