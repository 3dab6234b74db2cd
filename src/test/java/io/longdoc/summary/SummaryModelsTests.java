package io.longdoc.summary;

import io.longdoc.TestModels;
import io.longdoc.action.GetModelsAction;
import io.longdoc.model.AttentionKernel;
import io.longdoc.model.ModelRegistry;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OpsLibrary;
import io.longdoc.runtime.OrtRuntime;

import org.elasticsearch.common.Strings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Summary models as the node manages them: their three graphs in the compiled-graph cache (a reload opens the same
 * files, changed weights recompile and replace them), how the encoder runs attention, and what {@code GET
 * _longdoc/models} shows.
 */
class SummaryModelsTests {

    private static final String TEXT = "A sliding window and a few global tokens read the whole document.";

    @TempDir
    static Path root;
    static Path operator;
    static OrtRuntime runtime;

    @BeforeAll
    static void install() throws Exception {
        LedFixture fixture = LedFixture.create(root.resolve("fixture"));
        operator = Files.createDirectories(root.resolve("operator"));
        for (String id : List.of("led", "led-copy", "led-broken")) {
            Path folder = Files.createDirectories(operator.resolve(id));
            try (var files = Files.list(fixture.checkpoint())) {
                for (Path file : files.toList()) {
                    Files.copy(file, folder.resolve(file.getFileName()));
                }
            }
        }
        runtime = new OrtRuntime(2, ExecutionProvider.CPU);
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    private static SummaryModels models(Path compiled, OpsLibrary ops) {
        return new SummaryModels(operator, runtime, ops, InferenceBudget.UNLIMITED, compiled);
    }

    private static String summarize(LedSummaryModel model) throws Exception {
        return model.summarizer(model.generation(), System::nanoTime).summarize(TEXT, new SummaryBudget(64, Duration.ofMinutes(1))).text();
    }

    /** The graph files of one cache folder by name, with their file keys (inodes): a recompile renames a new file in. */
    private static Map<String, Object> graphs(Path compiled) throws Exception {
        Map<String, Object> out = new TreeMap<>();
        try (var files = Files.list(compiled)) {
            for (Path file : files.toList()) {
                out.put(file.getFileName().toString(), Files.readAttributes(file, BasicFileAttributes.class).fileKey());
            }
        }
        return out;
    }

    @Test
    void theThreeGraphsAreCachedAndAReloadOpensThemAsTheyAre() throws Exception {
        Path compiled = root.resolve("compiled-reload");
        String first;
        try (SummaryModels models = models(compiled, TestModels.opsLibrary())) {
            first = summarize(models.load("led"));
            assertEquals(AttentionKernel.FUSED, models.attentionKernel("led").orElseThrow());
        }
        Map<String, Object> cached = graphs(compiled);
        assertEquals(3, cached.size(), "encoder, cross keys/values, step: " + cached.keySet());
        for (String part : List.of("encoder", "cross", "step")) {
            assertTrue(cached.keySet().stream().anyMatch(f -> f.matches("led\\+" + part + "-[0-9a-f]{16}\\.onnx")), part + " in " + cached.keySet());
        }
        try (SummaryModels models = models(compiled, TestModels.opsLibrary())) {
            assertEquals(first, summarize(models.load("led")), "the cached graphs summarize as the compiled ones");
        }
        assertEquals(cached, graphs(compiled), "a reload compiles nothing: the same files, not rewritten");

        // another LED beside it keeps its own files; changed weights of the first replace only its graphs
        Path config = operator.resolve("led/config.json");
        String original = Files.readString(config);
        try (SummaryModels models = models(compiled, TestModels.opsLibrary())) {
            models.load("led-copy");
            Files.writeString(config, original.replaceFirst("\\{", "{\"_comment\": \"changed\", "));
            models.load("led");
        } finally {
            Files.writeString(config, original);
        }
        Map<String, Object> after = graphs(compiled);
        assertEquals(6, after.size(), "three graphs per model, the stale ones removed: " + after.keySet());
        assertNotEquals(cached.keySet(), after.keySet().stream().filter(f -> f.startsWith("led+")).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void withoutTheOpsLibraryTheEncoderRunsStandardOpsAndSaysWhy() throws Exception {
        Path compiled = root.resolve("compiled-noops");
        String fused;
        try (SummaryModels models = models(root.resolve("compiled-fused"), TestModels.opsLibrary())) {
            fused = summarize(models.load("led"));
        }
        try (SummaryModels models = models(compiled, new OpsLibrary(root.resolve("absent/liblongdoc_ops.so")))) {
            assertEquals(fused, summarize(models.load("led")), "standard ops summarize as the fused kernel");
            AttentionKernel kernel = models.attentionKernel("led").orElseThrow();
            assertEquals("standard_ops", kernel.name());
            assertTrue(kernel.fallbackReason().contains("liblongdoc_ops.so] is not installed"), kernel.fallbackReason());
        }
        assertTrue(graphs(compiled).keySet().stream().allMatch(f -> f.startsWith("led+")), "standard variant cached too");
    }

    /** A fused graph that does not open (a library that registers but refuses the graph) falls back as encoders do. */
    @Test
    void aFusedGraphThatDoesNotOpenFallsBackToStandardOps() throws Exception {
        List<Boolean> tries = new java.util.ArrayList<>();
        SummaryModels.Opened opened = SummaryModels.openWithFallback(fused -> {
            tries.add(fused);
            if (fused) {
                throw new ai.onnxruntime.OrtException("Could not find an implementation for SparseAttention(1) node with name 'sa0'");
            }
            return null;
        }, null);
        assertEquals(List.of(true, false), tries);
        assertEquals("standard_ops", opened.kernel().name());
        assertEquals("the fused graph could not be built or opened: Could not find an implementation for SparseAttention(1) node with name 'sa0'", opened.kernel().fallbackReason());

        tries.clear();
        SummaryModels.Opened unavailable = SummaryModels.openWithFallback(fused -> {
            tries.add(fused);
            return null;
        }, "the onnx-ops library [liblongdoc_ops.so] is not installed");
        assertEquals(List.of(false), tries, "no fused attempt when the library cannot run it");
        assertEquals(AttentionKernel.standard("the onnx-ops library [liblongdoc_ops.so] is not installed"), unavailable.kernel());

        java.io.IOException missing = new java.io.IOException("[led] has no tokenizer.json");
        tries.clear();
        java.io.IOException thrown = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> SummaryModels.openWithFallback(fused -> {
            tries.add(fused);
            throw missing;
        }, null));
        assertEquals(missing, thrown);
        assertEquals(List.of(true), tries, "a folder problem is not retried with standard ops");
    }

    @Test
    void theModelsListShowsASummaryModelItsStateAndStats() throws Exception {
        Path bundled = Files.createDirectories(root.resolve("bundled"));
        try (
            ModelRegistry registry = new ModelRegistry(bundled, operator, "led", runtime, root.resolve("compiled-list"), TestModels.opsLibrary(), InferenceBudget.UNLIMITED);
            SummaryModels models = models(root.resolve("compiled-list"), TestModels.opsLibrary())
        ) {
            assertTrue(registry.isSummaryModel("led"));
            assertFalse(registry.isSummaryModel("no-such-model"));
            assertFalse(registry.isSummaryModel("../led"));
            assertFalse(models.view("led").kernel().isPresent(), "not loaded yet");
            assertEquals(32, models.view("led").config().dModel());

            LedSummaryModel led = models.load("led");
            AbstractiveSummary summary = led.summarizer(led.generation(), System::nanoTime).summarize(TEXT, new SummaryBudget(64, Duration.ofMinutes(1)));
            models.stats("led").record(summary, 20, 3_000_000);
            models.stats("led").record(AbstractiveSummary.fallback("over the budget"), 70_000, 0);

            var entry = registry.list().stream().filter(e -> e.id().equals("led")).findFirst().orElseThrow();
            var view = GetModelsAction.ModelView.summary(entry, models.view("led"));
            String json = Strings.toString(new GetModelsAction.Response("led", registry.runtimeStatus(), List.of(view), new io.longdoc.search.QaStats()));
            assertTrue(json.contains("\"id\":\"led\",\"location\":\"config\",\"type\":\"summary\",\"architecture\":\"led\",\"d_model\":32,"), json);
            assertTrue(json.contains("\"attention_window\":[4,8],\"max_tokens\":96"), json);
            assertTrue(json.contains("\"loaded\":true,\"state\":\"loaded\",\"attention\":{\"kernel\":\"fused\"}"), json);
            int generated = summary.tokens().length - 1;
            assertTrue(
                json.contains("\"stats\":{\"documents\":2,\"abstractive\":1,\"extractive_fallback\":1,\"input_tokens\":70020,\"generated_tokens\":" + generated + ",\"total_latency_ms\":3,"),
                json
            );
            assertFalse(json.contains("\"error\""), json);
        }
    }

    @Test
    void aFailedLoadShowsAsFailedWithItsReasonUntilALoadSucceeds() throws Exception {
        Path weights = operator.resolve("led-broken").resolve("model.safetensors");
        byte[] good = Files.readAllBytes(weights);
        try (SummaryModels models = models(root.resolve("compiled-broken"), TestModels.opsLibrary())) {
            assertEquals(ModelRegistry.LoadState.NOT_LOADED, models.view("led-broken").status().state());

            Files.write(weights, Arrays.copyOf(good, good.length / 2)); // a copy cut short
            IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> models.load("led-broken"));
            ModelRegistry.LoadStatus failed = models.view("led-broken").status();
            assertEquals(ModelRegistry.LoadState.FAILED, failed.state());
            assertEquals(failure.getMessage(), failed.failureReason());
            assertTrue(failed.failureReason().contains("summary model [led-broken] could not be loaded"), failed.failureReason());
            assertEquals(ModelRegistry.LoadState.NOT_LOADED, models.view("led").status().state(), "other models are not touched");

            Files.write(weights, good);
            models.load("led-broken");
            assertEquals(new ModelRegistry.LoadStatus(ModelRegistry.LoadState.LOADED, null), models.view("led-broken").status());
        } finally {
            Files.write(weights, good);
        }
    }
}
