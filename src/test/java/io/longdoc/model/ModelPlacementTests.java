package io.longdoc.model;

import io.longdoc.TestModels;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.ExecutionProviderSetting;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OrtRuntime;

import org.elasticsearch.common.Strings;
import org.elasticsearch.rest.RestStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where loaded models run, as {@code GET _longdoc/models} reports it, and what an fp16 spec does on a CPU node. */
class ModelPlacementTests {

    private static Path models(Path scratch) throws Exception {
        Path models = Files.createDirectories(scratch.resolve("models"));
        TestModels.miniLmFolder(models, "mini", TestModels.spec("mini", 384, "mean"));
        Path half = Files.createDirectories(models.resolve("half-mini"));
        Files.writeString(half.resolve("model.json"), """
            {"id": "half-mini", "architecture": "bert", "dims": 384, "pooling": "mean", "normalize": true, "max_tokens": 1024,
             "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
             "compile": {"weights": "onnx_export", "longify": true, "fused": true, "precision": "fp16",
                         "attention": {"type": "sliding_window", "window": 64}}}
            """);
        Files.createSymbolicLink(half.resolve("model.onnx"), TestModels.miniLmOnnx());
        Files.createSymbolicLink(half.resolve("tokenizer.json"), TestModels.miniLmTokenizer());
        return models;
    }

    @Test
    void autoOnACpuNodeRunsAnFp16SpecInFp32AndSaysWhy(@TempDir Path scratch) throws Exception {
        try (
            OrtRuntime runtime = new OrtRuntime(2, ExecutionProviderSetting.AUTO, 0);
            ModelRegistry registry = new ModelRegistry(models(scratch), scratch.resolve("none"), "mini", runtime, scratch.resolve("compiled"), TestModels.opsLibrary(), InferenceBudget.UNLIMITED)
        ) {
            LoadedModel model = registry.load("half-mini");
            ModelPlacement placement = registry.placement("half-mini").orElseThrow();
            assertEquals("cpu", placement.provider());
            assertEquals("cpu", placement.device());
            assertEquals("fp32", placement.precision());
            assertEquals("cpu", placement.fusedOp());
            assertEquals(AttentionKernel.FUSED, model.attentionKernel());
            List<String> reasons = placement.fallbackReasons();
            assertEquals(2, reasons.size(), reasons.toString());
            assertTrue(reasons.get(0).contains("longdoc.execution_provider is [auto]") && reasons.get(0).contains("CPU build"), reasons.get(0));
            assertTrue(reasons.get(1).contains("[compile.precision] is [fp16]") && reasons.get(1).contains("runs in fp32"), reasons.get(1));
            String json = Strings.toString(placement);
            assertTrue(json.contains("\"execution_provider\":\"cpu\"") && json.contains("\"precision\":\"fp32\"") && json.contains("fallback_reasons"), json);
            assertTrue(model.embed(model.tokenize("We hold these truths to be self-evident.")).length == 384);
        }
    }

    @Test
    void aCpuNodeRefusesAnFp16SpecAndServesTheOthers(@TempDir Path scratch) throws Exception {
        try (
            OrtRuntime runtime = new OrtRuntime(2, ExecutionProvider.CPU);
            ModelRegistry registry = new ModelRegistry(models(scratch), scratch.resolve("none"), "mini", runtime, scratch.resolve("compiled"), TestModels.opsLibrary(), InferenceBudget.UNLIMITED)
        ) {
            var e = assertThrows(ModelLoadException.class, () -> registry.load("half-mini"));
            assertEquals(RestStatus.BAD_REQUEST, e.status());
            assertTrue(e.getMessage().contains("longdoc.execution_provider is [cpu]") && e.getMessage().contains("[compile.precision]"), e.getMessage());
            registry.load("mini");
            ModelPlacement mini = registry.placement("mini").orElseThrow();
            assertEquals(new ModelPlacement("cpu", "cpu", "as_exported", null, List.of()), mini);
            assertNull(registry.placement("half-mini").orElse(null));
        }
    }
}
