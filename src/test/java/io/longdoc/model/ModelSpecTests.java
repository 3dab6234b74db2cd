package io.longdoc.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSpecTests {

    private static ModelSpec parse(String json, String folder) throws Exception {
        return ModelSpec.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), folder);
    }

    private static final String VALID = """
        {"id": "bge-small-en-v1.5", "description": "d", "architecture": "bert", "dims": 384, "pooling": "cls",
         "normalize": true, "max_tokens": 512, "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"}}
        """;

    @Test
    void parsesEveryField() throws Exception {
        ModelSpec spec = parse(VALID, "bge-small-en-v1.5");
        assertEquals("bge-small-en-v1.5", spec.id());
        assertEquals("bert", spec.architecture());
        assertEquals(384, spec.dims());
        assertEquals(Pooling.CLS, spec.pooling());
        assertTrue(spec.normalize());
        assertEquals(512, spec.maxTokens());
        assertEquals("model.onnx", spec.modelFile());
        assertEquals("tokenizer.json", spec.tokenizerFile());
    }

    @Test
    void bundledSpecsParse() throws Exception {
        for (String id : new String[] { "bge-small-en-v1.5", "all-minilm-l6-v2" }) {
            try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("src/main/models", id, ModelSpec.FILE_NAME))) {
                ModelSpec spec = ModelSpec.parse(in, id);
                assertEquals(384, spec.dims());
            }
        }
    }

    @Test
    void idMustMatchTheFolder() {
        var e = assertThrows(IllegalArgumentException.class, () -> parse(VALID, "other"));
        assertTrue(e.getMessage().contains("[other]"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
            "\"dims\": 384|\"dims\": 0|[dims]",
            "\"dims\": 384|\"dims\": \"384\"|[dims]",
            "\"pooling\": \"cls\"|\"pooling\": \"max\"|pooling [max]",
            "\"architecture\": \"bert\"|\"architecture\": \"gpt2\"|architecture [gpt2]",
            "\"max_tokens\": 512|\"max_tokens\": 1|[max_tokens]",
            "\"model.onnx\"|\"../../etc/passwd\"|[files.model]",
            "\"tokenizer.json\"|\"/abs/tokenizer.json\"|[files.tokenizer]",
            "\"normalize\": true|\"normalize\": \"yes\"|[normalize]",
            "\"description\": \"d\"|\"descripton\": \"d\"|unknown key [descripton]" }
    )
    void rejectsBadValuesNamingTheKey(String from, String to, String expectedInMessage) {
        String json = VALID.replace(from, to);
        var e = assertThrows(IllegalArgumentException.class, () -> parse(json, "bge-small-en-v1.5"));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void rejectsMalformedJson() {
        assertThrows(Exception.class, () -> parse("{\"id\": ", "x"));
    }
}
