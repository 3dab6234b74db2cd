package io.longdoc.summary;

import io.longdoc.graph.importer.LedConfig;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** generation_config.json keys as transformers reads them, and the logits processors on several eos tokens. */
class GenerationConfigTests {

    private static final LedConfig MODEL = LedConfig.parse(Map.of("model_type", "led", "vocab_size", 10, "encoder_layers", 1, "decoder_layers", 1));

    private static GenerationConfig parse(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return GenerationConfig.parse(values, MODEL);
    }

    @Test
    void eosTokenIdIsOneIdOrAList() {
        assertArrayEquals(new int[] { 2 }, parse().eosTokenIds(), "LEDConfig's default");
        assertArrayEquals(new int[] { 7 }, parse("eos_token_id", 7).eosTokenIds());
        GenerationConfig two = parse("eos_token_id", List.of(2, 5));
        assertArrayEquals(new int[] { 2, 5 }, two.eosTokenIds());
        assertTrue(two.isEos(2) && two.isEos(5));
        assertFalse(two.isEos(3));
        assertArrayEquals(new int[] { 2 }, LedConfig.parse(Map.of("model_type", "led", "eos_token_id", List.of(2))).eosTokenIds());
    }

    @Test
    void badTokenIdsAreNamed() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> parse("eos_token_id", List.of()));
        assertEquals("[eos_token_id] must be a token id or a non-empty list of token ids, got [[]]", empty.getMessage());
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class, () -> parse("forced_eos_token_id", List.of(2, "x")));
        assertTrue(text.getMessage().startsWith("[forced_eos_token_id] must be a token id"), text.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class, () -> parse("eos_token_id", List.of(2, 10)));
        assertEquals("[eos_token_id] has token id 10, outside the model's vocab_size 10", outside.getMessage());
        IllegalArgumentException start = assertThrows(IllegalArgumentException.class, () -> parse("decoder_start_token_id", -1));
        assertTrue(start.getMessage().contains("[decoder_start_token_id] has token id -1"), start.getMessage());
    }

    /** MinLengthLogitsProcessor bans every eos token; ForcedEOSTokenLogitsProcessor with a list leaves each at 0. */
    @Test
    void minLengthAndForcedEosTreatEveryEosToken() {
        GenerationConfig config = parse("eos_token_id", List.of(2, 5), "min_length", 4, "max_length", 6, "forced_eos_token_id", List.of(5, 7));
        assertNull(config.forcedBosTokenId());
        double[] scores = new double[10];
        LogitsProcessors.apply(new int[] { 2, 3, 4 }, 3, scores, config);
        assertEquals(Double.NEGATIVE_INFINITY, scores[2]);
        assertEquals(Double.NEGATIVE_INFINITY, scores[5]);
        assertEquals(0, scores[3], "other tokens untouched");

        double[] last = new double[10];
        LogitsProcessors.apply(new int[] { 2, 3, 4, 6, 8 }, 5, last, config);
        for (int v = 0; v < last.length; v++) {
            assertEquals(v == 5 || v == 7 ? 0 : Double.NEGATIVE_INFINITY, last[v], "token " + v + " at max_length - 1");
        }
    }
}
