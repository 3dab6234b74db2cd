package io.longdoc.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelIdTests {

    @ParameterizedTest
    @ValueSource(strings = { "bge-small-en-v1.5", "all-minilm-l6-v2", "a", "model_2", "x.y-z" })
    void acceptsPlainIds(String id) {
        assertEquals(id, ModelId.validate(id));
    }

    @ParameterizedTest
    @ValueSource(strings = { "..", ".", "../x", "a/b", "a\\b", "/etc/passwd", "%2e%2e", ".hidden", "UPPER", "sp ace", "a\0b", "-lead", "é" })
    void rejectsPathsAndOddCharacters(String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelId.validate(id));
        assertTrue(e.getMessage().startsWith("invalid model id ["), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = { 65, 1000, 100_000 })
    void rejectsVeryLongIdsWithoutEchoingThem(int length) {
        String id = "a".repeat(length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelId.validate(id));
        assertTrue(e.getMessage().contains("longer than 64"), e.getMessage());
        assertTrue(e.getMessage().length() < 200, "the message must not echo a huge id");
    }

    @ParameterizedTest
    @ValueSource(strings = { "" })
    void rejectsEmpty(String id) {
        assertThrows(IllegalArgumentException.class, () -> ModelId.validate(id));
        assertThrows(IllegalArgumentException.class, () -> ModelId.validate(null));
    }
}
