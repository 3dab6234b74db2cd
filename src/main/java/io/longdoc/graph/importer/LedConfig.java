package io.longdoc.graph.importer;

import io.longdoc.graph.Activation;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;


/**
 * What longdoc reads from an LED {@code config.json}; absent keys take the defaults of transformers' LEDConfig
 * (configuration_led.py: d_model 1024, 12 + 12 layers of 16 heads, ffn 4096, 16,384 encoder and 1,024 decoder
 * positions, attention_window 512, gelu, pad 1, bos 0, eos 2, decoder_start_token_id 2).
 *
 * @param attentionWindow the two-sided window per encoder layer, as transformers stores it (even, positive)
 * @param eosTokenIds     eos_token_id: one id or a list (PretrainedConfig allows both)
 */
public record LedConfig(
    int vocabSize,
    int dModel,
    int encoderLayers,
    int decoderLayers,
    int encoderHeads,
    int decoderHeads,
    int encoderFfn,
    int decoderFfn,
    int maxEncoderPositions,
    int maxDecoderPositions,
    int[] attentionWindow,
    Activation activation,
    int padTokenId,
    int bosTokenId,
    int[] eosTokenIds,
    int decoderStartTokenId
) {

    public static final String FILE = "config.json";
    /** torch.nn.LayerNorm's default, which every LayerNorm of LED uses. */
    public static final float LAYER_NORM_EPS = 1e-5f;

    public static LedConfig read(Path folder) throws IOException {
        return parse(readJson(folder, FILE));
    }

    static Map<String, Object> readJson(Path folder, String file) throws IOException {
        try (InputStream in = Files.newInputStream(folder.resolve(file))) {
            return XContentHelper.convertToMap(XContentType.JSON.xContent(), in, false);
        } catch (NoSuchFileException e) {
            throw new IOException("[" + folder.getFileName() + "] has no " + file, e);
        } catch (RuntimeException e) {
            throw new IOException("[" + file + "] is not valid JSON: " + e.getMessage(), e);
        }
    }

    public static LedConfig parse(Map<String, Object> map) {
        Object type = map.get("model_type");
        if ("led".equals(type) == false) {
            throw new IllegalArgumentException("[" + FILE + "] has model_type [" + type + "], expected [led]");
        }
        String act = map.get("activation_function") instanceof String s ? s : "gelu";
        Activation activation = Activation.fromHfName(act);
        if (activation == null) {
            throw new IllegalArgumentException(
                "[" + FILE + "] has activation_function [" + act + "], which longdoc does not compute; expected one of " + Activation.hfNames()
            );
        }
        ConfigValues values = ConfigValues.of(map, FILE);
        int encoderLayers = values.integer("encoder_layers", 12);
        int[] window = window(map.get("attention_window"), encoderLayers);
        return new LedConfig(
            values.integer("vocab_size", 50265),
            values.integer("d_model", 1024),
            encoderLayers,
            values.integer("decoder_layers", 12),
            values.integer("encoder_attention_heads", 16),
            values.integer("decoder_attention_heads", 16),
            values.integer("encoder_ffn_dim", 4096),
            values.integer("decoder_ffn_dim", 4096),
            values.integer("max_encoder_position_embeddings", 16384),
            values.integer("max_decoder_position_embeddings", 1024),
            window,
            activation,
            values.integer("pad_token_id", 1),
            values.integer("bos_token_id", 0),
            values.tokenIds("eos_token_id", new int[] { 2 }),
            values.integer("decoder_start_token_id", 2)
        );
    }


    /** LEDEncoder: an int applies to every layer; a list needs one entry per layer; each even and positive. */
    private static int[] window(Object value, int layers) {
        int[] out = new int[layers];
        if (value == null || value instanceof Integer) {
            Arrays.fill(out, value == null ? 512 : (Integer) value);
        } else if (value instanceof List<?> list && list.size() == layers && list.stream().allMatch(v -> v instanceof Integer)) {
            for (int l = 0; l < layers; l++) {
                out[l] = (Integer) list.get(l);
            }
        } else {
            throw new IllegalArgumentException("[" + FILE + "] attention_window must be an integer or one integer per encoder layer (" + layers + "), got [" + value + "]");
        }
        for (int w : out) {
            if (w <= 0 || w % 2 != 0) {
                throw new IllegalArgumentException("[" + FILE + "] attention_window values must be positive and even (two-sided), got [" + w + "]");
            }
        }
        return out;
    }
}
