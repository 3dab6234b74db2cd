package io.longdoc.summary;

import io.longdoc.graph.importer.ConfigValues;
import io.longdoc.graph.importer.LedConfig;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The generation options longdoc honours, named and defaulted as transformers' GenerationConfig
 * (generation/configuration_utils.py): max_length 20, min_length 0, num_beams 1, early_stopping false,
 * length_penalty 1.0, no_repeat_ngram_size 0, no forced tokens; the special tokens default to the model's config.
 *
 * @param maxLength         the longest output in tokens, decoder start token included; {@code max_new_tokens} (when
 *                          given) wins and counts after the start token, as generate's _prepare_generated_length does
 * @param forcedEosTokenIds the tokens forced at max_length − 1 (ForcedEOSTokenLogitsProcessor takes one id or a list),
 *                          or null
 * @param eosTokenIds       every end-of-sequence token (generation_config's eos_token_id may be a list): generation
 *                          stops on any of them and min_length bans them all
 */
public record GenerationConfig(
    int numBeams,
    int maxLength,
    int minLength,
    int noRepeatNgramSize,
    Integer forcedBosTokenId,
    int[] forcedEosTokenIds,
    double lengthPenalty,
    EarlyStopping earlyStopping,
    int decoderStartTokenId,
    int[] eosTokenIds
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
        if (eosTokenIds.length == 0) {
            throw new IllegalArgumentException("eos_token_id must name at least one token");
        }
    }

    /** Whether a generated token ends the hypothesis (EosTokenCriteria: isin(last token, eos_token_id)). */
    public boolean isEos(int token) {
        for (int eos : eosTokenIds) {
            if (eos == token) {
                return true;
            }
        }
        return false;
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
        Integer forcedBos = values.integer("forced_bos_token_id", null);
        int[] forcedEos = values.tokenIds("forced_eos_token_id", null);
        int[] eos = values.tokenIds("eos_token_id", model.eosTokenIds());
        int start = values.integer("decoder_start_token_id", model.decoderStartTokenId());
        inVocabulary("forced_bos_token_id", forcedBos == null ? new int[0] : new int[] { forcedBos }, model);
        inVocabulary("forced_eos_token_id", forcedEos == null ? new int[0] : forcedEos, model);
        inVocabulary("eos_token_id", eos, model);
        inVocabulary("decoder_start_token_id", new int[] { start }, model);
        return new GenerationConfig(
            values.integer("num_beams", 1),
            maxLength,
            values.integer("min_length", 0),
            values.integer("no_repeat_ngram_size", 0),
            forcedBos,
            forcedEos,
            values.number("length_penalty", 1.0),
            earlyStopping(map.get("early_stopping")),
            start,
            eos
        );
    }

    /** A token id outside the embeddings would index past the logits: refused with the key that names it. */
    private static void inVocabulary(String key, int[] ids, LedConfig model) {
        for (int id : ids) {
            if (id < 0 || id >= model.vocabSize()) {
                throw new IllegalArgumentException("[" + key + "] has token id " + id + ", outside the model's vocab_size " + model.vocabSize());
            }
        }
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


}
