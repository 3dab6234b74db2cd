package io.longdoc.model;

import io.longdoc.TestModels;
import io.longdoc.runtime.ExecutionProvider;
import io.longdoc.runtime.InferenceBudget;
import io.longdoc.runtime.OrtRuntime;

import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.core.Releasable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every forward pass of a loaded model goes through the node's inference memory budget. */
class ModelMemoryBudgetTests {

    @TempDir
    Path root;

    @Test
    void aPassThatDoesNotFitNowIsRejectedAndRunsOnceMemoryIsFree() throws Exception {
        Path bundled = Files.createDirectories(root.resolve("models"));
        TestModels.miniLmFolder(bundled, "mini", TestModels.spec("mini", 384, "mean"));
        InferenceBudget budget = new InferenceBudget(64 << 20);
        try (OrtRuntime runtime = new OrtRuntime(1, ExecutionProvider.CPU);
             ModelRegistry registry = new ModelRegistry(bundled, root.resolve("none"), "mini", runtime, root.resolve("compiled"), TestModels.opsLibrary(), budget)) {
            LoadedModel model = registry.load("mini");
            var tokens = model.tokenize("A text of a few words to encode while most of the budget is taken. ".repeat(20));
            long other = budget.budgetBytes() - (1 << 20);
            try (Releasable taken = budget.reserve(other, "another pass")) {
                var busy = assertThrows(EsRejectedExecutionException.class, () -> model.encode(tokens));
                assertTrue(busy.getMessage().contains("model [mini]") && busy.getMessage().contains("retry later"), busy.getMessage());
            }
            assertEquals(384, model.encode(tokens).embedding().length, "runs once the memory is free");
            assertEquals(0, budget.reservedBytes(), "the pass gave its reservation back");
        }
    }
}
