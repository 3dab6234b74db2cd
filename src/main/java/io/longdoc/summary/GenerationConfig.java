package io.longdoc.summary;

import io.longdoc.graph.importer.ConfigValues;
import io.longdoc.graph.importer.LedConfig;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The generation options longdoc honours, named and defaulted as transformers' GenerationConfig
 * (generation/configuration_utils.py): max_length 20, min_length 0, num_beams 1, early_stopping false,
 * length_penalty 1.0, no_repeat_ngram_size 0, no forced tokens; the special tokens default to the model's config.
 *
 * @param maxLength the longest output in tokens, decoder start token included; {@code max_new_tokens} (when given)
 *                  wins and counts after the start token, as generate's _prepare_generated_length does
 */
public record GenerationConfig(
    int numBeams,
    int maxLength,
    int minLength,
    int noRepeatNgramSize,
    Integer forcedBosTokenId,
    Integer forcedEosTokenId,
    double lengthPenalty,
    EarlyStopping earlyStopping,
    int decoderStartTokenId,
    int eosTokenId
) {

    public static final String FILE = "generation_config.json";

    /** transformers' early_stopping: True, False (the heuristic) or "never". */
    public enum EarlyStopping {
        TRUE,
        FALSE,
        NEVER
    }

    public GenerationConfig {
        if (numBeams < 1) {
            throw new IllegalArgumentException("num_beams must be at least 1, got " + numBeams);
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("max_length must leave room for one token after the decoder start token, got " + maxLength);
        }
    }

    /**
     * The options of a checkpoint folder: {@value #FILE} when present, else the same keys in {@code config.json}
     * (older checkpoints keep them there; transformers' GenerationConfig.from_model_config reads them from it).
     */
    public static Map<String, Object> readOptions(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        if (Files.isRegularFile(file) == false) {
            file = folder.resolve(LedConfig.FILE);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return XContentHelper.convertToMap(XContentType.JSON.xContent(), in, false);
        } catch (RuntimeException e) {
            throw new IOException("[" + file.getFileName() + "] is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Options from a generation_config map; a key mapped to null counts as absent. */
    public static GenerationConfig parse(Map<String, Object> map, LedConfig model) {
        ConfigValues values = new ConfigValues(map, "");
        Integer maxNewTokens = values.integer("max_new_tokens", null);
        int maxLength = maxNewTokens != null ? maxNewTokens + 1 : values.integer("max_length", 20);
        if (maxLength > model.maxDecoderPositions()) {
            throw new IllegalArgumentException(
                "max_length " + maxLength + " exceeds the decoder's " + model.maxDecoderPositions() + " positions (max_decoder_position_embeddings)"
            );
        }
        return new GenerationConfig(
            values.integer("num_beams", 1),
            maxLength,
            values.integer("min_length", 0),
            values.integer("no_repeat_ngram_size", 0),
            values.integer("forced_bos_token_id", null),
            values.integer("forced_eos_token_id", null),
            values.number("length_penalty", 1.0),
            earlyStopping(map.get("early_stopping")),
            values.integer("decoder_start_token_id", model.decoderStartTokenId()),
            eos(map.get("eos_token_id"), model.eosTokenId())
        );
    }

    private static EarlyStopping earlyStopping(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return EarlyStopping.FALSE;
        }
        if (Boolean.TRUE.equals(value)) {
            return EarlyStopping.TRUE;
        }
        if ("never".equals(value)) {
            return EarlyStopping.NEVER;
        }
        throw new IllegalArgumentException("early_stopping must be true, false or \"never\", got [" + value + "]");
    }

    /** One end-of-sequence token; a list of several is not supported. */
    private static int eos(Object value, int modelDefault) {
        if (value == null) {
            return modelDefault;
        }
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof List<?> list && list.size() == 1 && list.get(0) instanceof Integer i) {
            return i;
        }
        throw new IllegalArgumentException("eos_token_id must be one token id, got [" + value + "]");
    }
}
