package io.longdoc.graph.importer;

import io.longdoc.graph.Activation;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What longdoc reads from a Hugging Face {@code config.json}; absent keys take the defaults of the transformers
 * config class of that {@code model_type}.
 *
 * @param attentionWindow   Longformer: the two-sided window per layer, as Hugging Face stores it (else null)
 * @param attentionDilation Longformer (original allenai configs only): dilation per layer (else null)
 * @param attentionType     BigBird: block_sparse or original_full (else null)
 * @param useBias           BigBird: whether query/key/value have biases
 */
record HuggingFaceConfig(
    String modelType,
    int hiddenSize,
    int numHeads,
    int intermediateSize,
    int numLayers,
    int maxPositions,
    int padTokenId,
    float layerNormEps,
    Activation activation,
    int[] attentionWindow,
    int[] attentionDilation,
    String attentionType,
    int blockSize,
    int numRandomBlocks,
    boolean useBias
) {

    static final String FILE = "config.json";
    static final Set<String> MODEL_TYPES = Set.of("bert", "roberta", "longformer", "big_bird");

    static HuggingFaceConfig read(Path folder) throws IOException {
        Map<String, Object> map;
        try (InputStream in = Files.newInputStream(folder.resolve(FILE))) {
            map = XContentHelper.convertToMap(XContentType.JSON.xContent(), in, false);
        } catch (NoSuchFileException e) {
            throw new IOException("[" + folder.getFileName() + "] has no " + FILE, e);
        } catch (RuntimeException e) {
            throw new IOException("[" + FILE + "] is not valid JSON: " + e.getMessage(), e);
        }
        return parse(map);
    }

    static HuggingFaceConfig parse(Map<String, Object> map) {
        ConfigValues values = ConfigValues.of(map, FILE);
        String type = values.string("model_type", null);
        if (type == null || MODEL_TYPES.contains(type) == false) {
            throw new IllegalArgumentException("[" + FILE + "] has model_type [" + type + "], expected one of " + MODEL_TYPES);
        }
        boolean robertaFamily = type.equals("roberta") || type.equals("longformer");
        String positionType = values.string("position_embedding_type", "absolute");
        if (positionType.equals("absolute") == false) {
            throw new IllegalArgumentException("[" + FILE + "] has position_embedding_type [" + positionType + "]; only absolute positions are supported");
        }
        // transformers' BigBirdConfig defaults to the tanh approximation, the BERT family's configs to erf GELU
        String act = values.string("hidden_act", type.equals("big_bird") ? "gelu_new" : "gelu");
        Activation activation = Activation.fromHfName(act);
        if (activation == null) {
            throw new IllegalArgumentException("[" + FILE + "] has hidden_act [" + act + "], which longdoc does not compute; expected one of " + Activation.hfNames());
        }
        if (type.equals("big_bird") && values.bool("rescale_embeddings", false)) {
            throw new IllegalArgumentException("[" + FILE + "] has rescale_embeddings true, which is not supported");
        }
        int layers = values.integer("num_hidden_layers", 12);
        int[] window = null;
        int[] dilation = null;
        if (type.equals("longformer")) {
            window = perLayer(map, "attention_window", 512, layers);
            for (int w : window) {
                if (w < 2 || w % 2 != 0) {
                    throw new IllegalArgumentException("[" + FILE + "] attention_window values must be positive and even (two-sided), got [" + w + "]");
                }
            }
            if (map.containsKey("attention_dilation")) {
                dilation = perLayer(map, "attention_dilation", 1, layers);
            }
        }
        String attentionType = null;
        if (type.equals("big_bird")) {
            attentionType = values.string("attention_type", "block_sparse");
            if (attentionType.equals("block_sparse") == false && attentionType.equals("original_full") == false) {
                throw new IllegalArgumentException("[" + FILE + "] has attention_type [" + attentionType + "], expected block_sparse or original_full");
            }
        }
        int blockSize = values.integer("block_size", 64);
        int randomBlocks = values.integer("num_random_blocks", 3);
        if (type.equals("big_bird") && blockSize < 1) {
            throw new IllegalArgumentException("[" + FILE + "] has block_size [" + blockSize + "]; it must be at least 1");
        }
        if (type.equals("big_bird") && randomBlocks < 0) {
            throw new IllegalArgumentException("[" + FILE + "] has num_random_blocks [" + randomBlocks + "]; it must be at least 0");
        }
        return new HuggingFaceConfig(
            type,
            values.integer("hidden_size", 768),
            values.integer("num_attention_heads", 12),
            values.integer("intermediate_size", 3072),
            layers,
            values.integer("max_position_embeddings", type.equals("big_bird") ? 4096 : 512),
            values.integer("pad_token_id", robertaFamily ? 1 : 0),
            (float) values.number("layer_norm_eps", 1e-12f),
            activation,
            window,
            dilation,
            attentionType,
            blockSize,
            randomBlocks,
            values.bool("use_bias", true)
        );
    }

    /** RoBERTa-family models number positions from pad_token_id + 1. */
    int positionOffset() {
        return modelType.equals("roberta") || modelType.equals("longformer") ? padTokenId + 1 : 0;
    }

    /** An integer for every layer, or one list entry per layer. */
    private static int[] perLayer(Map<String, Object> map, String key, int defaultValue, int layers) {
        Object value = map.get(key);
        int[] out = new int[layers];
        if (value == null || value instanceof Integer) {
            java.util.Arrays.fill(out, value == null ? defaultValue : (Integer) value);
            return out;
        }
        if (value instanceof List<?> list) {
            if (list.size() != layers) {
                throw new IllegalArgumentException("[" + FILE + "] key [" + key + "] has " + list.size() + " entries for " + layers + " layers");
            }
            for (int l = 0; l < layers; l++) {
                if (list.get(l) instanceof Integer i) {
                    out[l] = i;
                } else {
                    throw new IllegalArgumentException("[" + FILE + "] key [" + key + "] must hold integers, got [" + list.get(l) + "]");
                }
            }
            return out;
        }
        throw new IllegalArgumentException("[" + FILE + "] key [" + key + "] must be an integer or a list of integers, got [" + value + "]");
    }
}
