package io.longdoc.model;

import io.longdoc.runtime.InferenceBudget;
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

        Path longMini = Files.createDirectories(operator.resolve("long-mini"));
        Files.writeString(longMini.resolve("model.json"), """
            {"id": "long-mini", "architecture": "bert", "dims": 384, "pooling": "mean", "normalize": true, "max_tokens": 2048,
             "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
             "compile": {"weights": "onnx_export", "longify": true, "attention": {"type": "sliding_window", "window": 64}}}
            """);
        Files.createSymbolicLink(longMini.resolve("model.onnx"), TestModels.miniLmOnnx());
        Files.createSymbolicLink(longMini.resolve("tokenizer.json"), TestModels.miniLmTokenizer());

        runtime = new OrtRuntime(2, ExecutionProvider.CPU);
        registry = new ModelRegistry(bundled, operator, "mini", runtime, root.resolve("compiled"), TestModels.opsLibrary(), InferenceBudget.UNLIMITED);
    }

    @AfterAll
    static void tearDown() {
        registry.close();
        runtime.close();
    }

    @Test
    void listsBothFoldersSortedWithErrorsForBadSpecs() {
        List<ModelCatalog.Entry> entries = registry.list();
        assertEquals(List.of("bad-spec", "corrupt", "long-mini", "mini", "missing-file", "wrong-dims"), entries.stream().map(ModelCatalog.Entry::id).toList());
        ModelCatalog.Entry mini = entries.get(3);
        assertEquals(ModelCatalog.Location.PLUGIN, mini.location());
        assertEquals(Pooling.MEAN, mini.spec().pooling(), "the bundled spec wins over the operator folder of the same id");
        ModelCatalog.Entry bad = entries.get(0);
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
    void compiledLongModelReadsPast512TokensAndAgreesWithTheOriginalOnShortText() throws Exception {
        LoadedModel longMini = registry.load("long-mini");
        LoadedModel mini = registry.load("mini");
        String sentence = "Government of the people, by the people, for the people, shall not perish from the earth.";
        // n ≤ window: the sliding window sees every token, so the longified model computes what the original does
        float[] expected = mini.embed(mini.tokenize(sentence));
        float[] actual = longMini.embed(longMini.tokenize(sentence));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4, "dimension " + i);
        }
        var longText = longMini.tokenize("Liberty and union, now and forever, one and inseparable. ".repeat(120));
        assertTrue(longText.length() > 1200);
        assertEquals(384, longMini.embed(longText).length, "1,200+ tokens in one pass, no truncation");

        Path compiled = root.resolve("compiled");
        try (var files = Files.list(compiled)) {
            List<Path> graphs = files.toList();
            assertEquals(1, graphs.size(), "one cached graph: " + graphs);
            assertTrue(graphs.get(0).getFileName().toString().matches("long-mini-[0-9a-f]{16}\\.onnx"));
            long modified = Files.getLastModifiedTime(graphs.get(0)).toMillis();
            // a second registry (a node restart) finds the graph instead of compiling it again
            try (ModelRegistry restarted = new ModelRegistry(bundled, operator, "mini", runtime, compiled, TestModels.opsLibrary(), InferenceBudget.UNLIMITED)) {
                restarted.load("long-mini");
            }
            assertEquals(modified, Files.getLastModifiedTime(graphs.get(0)).toMillis());

            // a changed spec (another window) compiles a new graph and removes the stale one
            Path spec = operator.resolve("long-mini/model.json");
            Files.writeString(spec, Files.readString(spec).replace("\"window\": 64", "\"window\": 32"));
            try (ModelRegistry restarted = new ModelRegistry(bundled, operator, "mini", runtime, compiled, TestModels.opsLibrary(), InferenceBudget.UNLIMITED)) {
                restarted.load("long-mini");
            } finally {
                Files.writeString(spec, Files.readString(spec).replace("\"window\": 32", "\"window\": 64"));
            }
            try (var after = Files.list(compiled)) {
                List<Path> recompiled = after.toList();
                assertEquals(1, recompiled.size(), "the stale graph is removed: " + recompiled);
                assertFalse(recompiled.get(0).equals(graphs.get(0)), "a new key for the new spec");
            }
        }
    }

    @Test
    void fusedSpecRunsTheOnnxOpsKernelAndAgreesWithStandardOps(@TempDir Path scratch) throws Exception {
        Path models = Files.createDirectories(scratch.resolve("models"));
        for (boolean fused : new boolean[] { true, false }) {
            Path folder = Files.createDirectories(models.resolve(fused ? "fused-mini" : "standard-mini"));
            Files.writeString(folder.resolve("model.json"), """
                {"id": "%s", "architecture": "bert", "dims": 384, "pooling": "mean", "normalize": true, "max_tokens": 2048,
                 "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
                 "compile": {"weights": "onnx_export", "longify": true, "fused": %s, "attention": {"type": "sliding_window", "window": 64}}}
                """.formatted(folder.getFileName(), fused));
            Files.createSymbolicLink(folder.resolve("model.onnx"), TestModels.miniLmOnnx());
            Files.createSymbolicLink(folder.resolve("tokenizer.json"), TestModels.miniLmTokenizer());
        }
        try (ModelRegistry both = new ModelRegistry(models, scratch.resolve("none"), "fused-mini", runtime, scratch.resolve("compiled"), TestModels.opsLibrary(), InferenceBudget.UNLIMITED)) {
            LoadedModel fused = both.load("fused-mini");
            LoadedModel standard = both.load("standard-mini");
            assertEquals(AttentionKernel.FUSED, fused.attentionKernel());
            assertEquals("standard_ops", standard.attentionKernel().name());
            assertNull(standard.attentionKernel().fallbackReason(), "standard by choice, not by fallback");
            var text = fused.tokenize("We hold these truths to be self-evident, that all men are created equal. ".repeat(40));
            assertTrue(text.length() > 600, "well past the window of 64");
            float[] a = fused.embed(text);
            float[] b = standard.embed(text);
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-4, "dimension " + i);
            }
        }
    }

    /**
     * {@code compile.quantize: int8} through the whole load path: compiled and cached beside the fp32 graph (not in its
     * place), opened with the fused kernel, reported as int8 by {@code GET _longdoc/models}, and embedding what fp32
     * embeds to within int8's error.
     */
    @Test
    void int8SpecCompilesItsOwnGraphAndReportsItsPrecision(@TempDir Path scratch) throws Exception {
        Path models = Files.createDirectories(scratch.resolve("models"));
        for (String quantize : new String[] { "none", "int8", "auto" }) {
            Path folder = Files.createDirectories(models.resolve("mini-" + quantize));
            Files.writeString(folder.resolve("model.json"), """
                {"id": "%s", "architecture": "bert", "dims": 384, "pooling": "mean", "normalize": true, "max_tokens": 2048,
                 "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
                 "compile": {"weights": "onnx_export", "longify": true, "fused": true, "quantize": "%s",
                             "attention": {"type": "sliding_window", "window": 64}}}
                """.formatted(folder.getFileName(), quantize));
            Files.createSymbolicLink(folder.resolve("model.onnx"), TestModels.miniLmOnnx());
            Files.createSymbolicLink(folder.resolve("tokenizer.json"), TestModels.miniLmTokenizer());
        }
        Path compiled = scratch.resolve("compiled");
        try (ModelRegistry both = new ModelRegistry(models, scratch.resolve("none"), "mini-none", runtime, compiled, TestModels.opsLibrary(), InferenceBudget.UNLIMITED)) {
            LoadedModel fp32 = both.load("mini-none");
            LoadedModel int8 = both.load("mini-int8");
            assertEquals(AttentionKernel.FUSED, int8.attentionKernel());
            LoadedModel auto = both.load("mini-auto");
            try (var files = Files.list(compiled)) {
                assertEquals(3, files.filter(f -> f.toString().endsWith(".onnx")).count(), "one graph per spec: the precision is in the key");
            }
            var text = int8.tokenize("We hold these truths to be self-evident, that all men are created equal. ".repeat(40));
            float[] a = int8.embed(text);
            float[] b = fp32.embed(text);
            double cosine = dot(a, b);
            assertTrue(cosine >= 0.99 && cosine < 0.999999, "int8 is close to fp32 but not fp32 itself: cosine " + cosine);
            // auto is int8 on a CPU with VNNI or AMX int8 (the same graph as int8's), fp32 on one without
            boolean int8Here = io.longdoc.runtime.CpuInt8.node().present();
            assertEquals(1.0, dot(auto.embed(text), int8Here ? a : b), 1e-6, "auto runs " + (int8Here ? "int8" : "fp32") + " here");
            assertEquals(int8Here ? "int8" : "fp32", both.placement("mini-auto").orElseThrow().precision());

            var views = both.list().stream()
                .map(e -> io.longdoc.action.GetModelsAction.ModelView.of(e, both))
                .toList();
            String json = org.elasticsearch.common.Strings.toString(new io.longdoc.action.GetModelsAction.Response("mini-none", both.runtimeStatus(), views, new io.longdoc.search.QaStats()));
            assertTrue(json.contains("\"id\":\"mini-int8\",\"location\":\"plugin\",\"type\":\"embedding\",\"architecture\":\"bert\",\"dims\":384,\"pooling\":\"mean\",\"normalize\":true,\"max_tokens\":2048,\"precision\":\"int8\""), json);
            assertTrue(json.contains("\"max_tokens\":2048,\"precision\":\"fp32\""), json);
            assertTrue(json.contains("\"id\":\"mini-auto\",\"location\":\"plugin\",\"type\":\"embedding\",\"architecture\":\"bert\",\"dims\":384,\"pooling\":\"mean\",\"normalize\":true,\"max_tokens\":2048,\"precision\":\""
                + (int8Here ? "int8" : "fp32") + "\",\"precision_reason\":\"[compile.quantize] is [auto] and this CPU"), json);
        }
    }

    @Test
    void fusedSpecFallsBackToStandardOpsWhenTheLibraryIsMissingOrBroken(@TempDir Path scratch) throws Exception {
        Path models = Files.createDirectories(scratch.resolve("models"));
        Path folder = Files.createDirectories(models.resolve("fused-mini"));
        Files.writeString(folder.resolve("model.json"), """
            {"id": "fused-mini", "architecture": "bert", "dims": 384, "pooling": "mean", "normalize": true, "max_tokens": 1024,
             "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
             "compile": {"weights": "onnx_export", "longify": true, "fused": true, "attention": {"type": "sliding_window", "window": 64}}}
            """);
        Files.createSymbolicLink(folder.resolve("model.onnx"), TestModels.miniLmOnnx());
        Files.createSymbolicLink(folder.resolve("tokenizer.json"), TestModels.miniLmTokenizer());
        Path notALibrary = Files.writeString(scratch.resolve("liblongdoc_ops.so"), "not an ELF file");
        String text = "We hold these truths to be self-evident, that all men are created equal.";
        float[] reference = registry.load("mini").embed(registry.load("mini").tokenize(text));

        for (var library : List.of(new io.longdoc.runtime.OpsLibrary(scratch.resolve("absent.so")), new io.longdoc.runtime.OpsLibrary(notALibrary))) {
            try (ModelRegistry fallback = new ModelRegistry(models, scratch.resolve("none"), "fused-mini", runtime, scratch.resolve("compiled"), library, InferenceBudget.UNLIMITED)) {
                LoadedModel model = fallback.load("fused-mini");
                AttentionKernel kernel = fallback.attentionKernel("fused-mini").orElseThrow();
                assertEquals("standard_ops", kernel.name());
                assertTrue(kernel.fallbackReason().contains("not installed") || kernel.fallbackReason().contains("did not register"), kernel.fallbackReason());
                float[] vector = model.embed(model.tokenize(text));
                for (int i = 0; i < vector.length; i++) {
                    assertEquals(reference[i], vector[i], 1e-4, "the fallback still computes the model");
                }
            }
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

    /**
     * A shard that finds its model unloaded starts the load on another thread and waits for it (bounded): it neither
     * loads on its own thread nor fails at once, which in a cluster would drop that node's shards from the result.
     */
    @Test
    void aSearchWaitsForABackgroundLoadAndFailsOnlyPastTheWait(@TempDir Path compiled) throws Exception {
        try (ModelRegistry fresh = new ModelRegistry(bundled, operator, "mini", runtime, compiled, TestModels.opsLibrary(), InferenceBudget.UNLIMITED)) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            List<String> loadThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.Executor held = task -> new Thread(() -> {
                loadThreads.add(Thread.currentThread().getName());
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                task.run();
            }, "background-load").start();

            org.elasticsearch.ElasticsearchStatusException late = assertThrows(org.elasticsearch.ElasticsearchStatusException.class,
                () -> fresh.loadedOrLoadAsync("mini", held, org.elasticsearch.core.TimeValue.timeValueMillis(50)));
            assertEquals(RestStatus.SERVICE_UNAVAILABLE, late.status());
            assertTrue(late.getMessage().contains("did not finish loading within [50ms]") && late.getMessage().contains("longdoc.qa.model_load_wait"), late.getMessage());
            assertFalse(fresh.isLoaded("mini"), "nothing was loaded on the caller's thread");

            release.countDown();
            LoadedModel model = fresh.loadedOrLoadAsync("mini", held, org.elasticsearch.core.TimeValue.timeValueSeconds(120));
            assertSame(model, fresh.load("mini"));
            assertEquals(List.of("background-load"), loadThreads, "one load, started by the first caller, joined by the second");

            ModelLoadException corrupt = assertThrows(ModelLoadException.class,
                () -> fresh.loadedOrLoadAsync("corrupt", Runnable::run, org.elasticsearch.core.TimeValue.timeValueSeconds(120)));
            assertTrue(corrupt.getMessage().startsWith("model [corrupt] could not be loaded"), "the load's own error: " + corrupt.getMessage());
            assertThrows(ResourceNotFoundException.class, () -> fresh.loadedOrLoadAsync("no-such-model", held, org.elasticsearch.core.TimeValue.timeValueSeconds(120)));
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
