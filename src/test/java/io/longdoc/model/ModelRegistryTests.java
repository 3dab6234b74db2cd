package io.longdoc.model;

import io.longdoc.TestModels;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.OrtRuntime;

import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.rest.RestStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryTests {

    @TempDir
    static Path root;
    static Path bundled;
    static Path operator;
    static OrtRuntime runtime;
    static ModelRegistry registry;

    @BeforeAll
    static void setUp() throws Exception {
        bundled = Files.createDirectories(root.resolve("plugin/models"));
        operator = Files.createDirectories(root.resolve("config/longdoc/models"));
        TestModels.miniLmFolder(bundled, "mini", TestModels.spec("mini", 384, "mean"));
        TestModels.miniLmFolder(operator, "wrong-dims", TestModels.spec("wrong-dims", 512, "mean"));
        // an operator folder with the id of a bundled model: the bundled one must win
        TestModels.miniLmFolder(operator, "mini", TestModels.spec("mini", 384, "cls"));

        Path corrupt = Files.createDirectories(operator.resolve("corrupt"));
        Files.writeString(corrupt.resolve("model.json"), TestModels.spec("corrupt", 384, "mean"));
        Files.write(corrupt.resolve("model.onnx"), "this is not a protobuf".getBytes());
        Files.copy(TestModels.miniLmTokenizer(), corrupt.resolve("tokenizer.json"));

        Path missingFile = Files.createDirectories(operator.resolve("missing-file"));
        Files.writeString(missingFile.resolve("model.json"), TestModels.spec("missing-file", 384, "mean"));

        Path badSpec = Files.createDirectories(operator.resolve("bad-spec"));
        Files.writeString(badSpec.resolve("model.json"), TestModels.spec("bad-spec", 384, "mean").replace("384", "-1"));

        runtime = new OrtRuntime(2, ExecutionProvider.CPU);
        registry = new ModelRegistry(bundled, operator, "mini", runtime);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
        runtime.close();
    }

    @Test
    void listsBothFoldersSortedWithErrorsForBadSpecs() {
        List<ModelRegistry.Entry> entries = registry.list();
        assertEquals(List.of("bad-spec", "corrupt", "mini", "missing-file", "wrong-dims"), entries.stream().map(ModelRegistry.Entry::id).toList());
        ModelRegistry.Entry mini = entries.get(2);
        assertEquals(ModelRegistry.Location.PLUGIN, mini.location());
        assertEquals(Pooling.MEAN, mini.spec().pooling(), "the bundled spec wins over the operator folder of the same id");
        ModelRegistry.Entry bad = entries.get(0);
        assertNull(bad.spec());
        assertTrue(bad.error().startsWith("[dims] must be between 1 and 8192, got [-1]"), bad.error());
    }

    @Test
    void loadsOnceAndEmbedsMeaning() throws Exception {
        LoadedModel model = registry.load("mini");
        assertSame(model, registry.load("mini"));
        float[] food = model.embed(model.tokenize("A man is eating food."));
        float[] bread = model.embed(model.tokenize("A man is eating a piece of bread."));
        float[] horse = model.embed(model.tokenize("A man is riding a horse."));
        assertEquals(384, food.length);
        assertEquals(1.0, dot(food, food), 1e-4, "normalised");
        assertTrue(dot(food, bread) > dot(food, horse) + 0.2, "paraphrases are closer than unrelated sentences");
        assertTrue(registry.isLoaded("mini"));
        assertTrue(registry.stats("mini").inferenceCalls() >= 3);
    }

    @Test
    void matchesSentenceTransformersPublishedEmbedding() throws Exception {
        // First values of all-MiniLM-L6-v2's embedding of this sentence, as the sentence-transformers model card prints them.
        LoadedModel model = registry.load("mini");
        float[] v = model.embed(model.tokenize("This is an example sentence"));
        float[] expected = { 0.0677f, 0.0635f, 0.0487f, 0.0793f, 0.0374f, 0.0027f, 0.0394f, -0.0071f };
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], v[i], 1e-3, "dimension " + i);
        }
    }

    @Test
    void unknownModelIsNotFound() {
        var e = assertThrows(ResourceNotFoundException.class, () -> registry.load("nope"));
        assertTrue(e.getMessage().contains("unknown model [nope]"), e.getMessage());
        assertTrue(e.getMessage().contains("mini"), "lists the available models: " + e.getMessage());
    }

    @Test
    void pathTricksAreRejectedBeforeTouchingTheFilesystem() {
        for (String id : new String[] { "../plugin", "..", "mini/../../x" }) {
            var e = assertThrows(IllegalArgumentException.class, () -> registry.load(id));
            assertTrue(e.getMessage().startsWith("invalid model id"), e.getMessage());
        }
    }

    @Test
    void corruptModelFileIsABadRequestNamingTheModel() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> registry.load("corrupt"));
        assertEquals(RestStatus.BAD_REQUEST, e.status());
        assertTrue(e.getMessage().startsWith("model [corrupt] could not be loaded: [model.onnx]"), e.getMessage());
        assertFalse(e.getMessage().contains(root.toString()), "no filesystem path in the message: " + e.getMessage());
        assertFalse(registry.isLoaded("corrupt"));
    }

    @Test
    void missingFileIsNamed() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> registry.load("missing-file"));
        assertTrue(e.getMessage().contains("[model.onnx] named in its spec is missing"), e.getMessage());
    }

    @Test
    void specDimsMustMatchTheModel() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> registry.load("wrong-dims"));
        assertTrue(e.getMessage().contains("[dims] is 512 but the model's output"), e.getMessage());
    }

    @Test
    void invalidSpecIsABadRequest() {
        var e = assertThrows(IllegalArgumentException.class, () -> registry.spec("bad-spec"));
        assertTrue(e.getMessage().startsWith("model [bad-spec] has an invalid model.json"), e.getMessage());
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
