package io.longdoc.summary;

import io.longdoc.text.TokenizedText;
import io.longdoc.text.Tokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic checkpoint's byte-level BPE tokenizer.json: text round-trips, and generated ids decode as the reference decodes them. */
class LedTokenizerTests {

    private static LedFixture fixture;
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        fixture = LedFixture.create(Path.of("target/led-tokenizer").toAbsolutePath());
        tokenizer = Tokenizer.load(fixture.checkpoint().resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void textRoundTripsThroughTheByteLevelBpe() {
        String text = "A summary of the whole document — written at ingest, naïvely: 16,384 tokens!";
        TokenizedText tokens = tokenizer.tokenize(text);
        long[] ids = tokens.ids();
        assertEquals(0, ids[0], "<s>");
        assertEquals(2, ids[ids.length - 1], "</s>");
        assertTrue(Arrays.stream(ids).allMatch(id -> id >= 0 && id < 320), "ids inside the 320-token vocabulary");
        assertTrue(ids.length < text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, "the merges shorten the byte sequence");
        assertEquals(text, tokenizer.decode(ids, true));
    }

    @Test
    void generatedSequencesDecodeAsTheReferenceDecodesThem() {
        List<Map<String, Object>> scenarios = fixture.scenarios();
        for (Map<String, Object> scenario : scenarios) {
            @SuppressWarnings("unchecked")
            long[] ids = ((List<Integer>) scenario.get("sequence")).stream().mapToLong(Integer::longValue).toArray();
            assertEquals(scenario.get("text"), tokenizer.decode(ids, true), String.valueOf(scenario.get("name")));
        }
    }
}
