package io.longdoc.model;

import io.longdoc.graph.GemmPrecision;
import io.longdoc.graph.Precision;
import io.longdoc.runtime.CpuInt8;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compiled-graph cache never shows a half-written graph under its final name, whatever stops the compile. */
class CompiledModelCacheTests {

    private static ModelSpec spec(String id) throws IOException {
        String json = """
            {"id": "%s", "architecture": "bert", "dims": 4, "pooling": "cls", "normalize": true, "max_tokens": 512,
             "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"}}
            """.formatted(id);
        return ModelSpec.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), id);
    }

    private static ModelSpec compiledSpec(String quantize) throws IOException {
        String json = """
            {"id": "m", "architecture": "bert", "dims": 4, "pooling": "cls", "normalize": true, "max_tokens": 512,
             "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"}, "compile": {"weights": "onnx_export"%s}}
            """.formatted(quantize == null ? "" : ", \"quantize\": \"" + quantize + "\"");
        return ModelSpec.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "m");
    }

    /** An int8 graph never answers for an fp32 one, or the other way round: the precision is in the key and the variant. */
    @Test
    void thePrecisionIsPartOfTheKey(@TempDir Path dir) throws IOException {
        Path weights = Files.writeString(dir.resolve("w.bin"), "weights");
        ModelSpec fp32 = compiledSpec(null);
        ModelSpec int8 = compiledSpec("int8");
        assertEquals(CompiledModelCache.key(fp32, "fused", List.of(weights)), CompiledModelCache.key(compiledSpec("none"), "fused", List.of(weights)));
        assertFalse(
            CompiledModelCache.key(fp32, "fused", List.of(weights)).equals(CompiledModelCache.key(int8, "fused", List.of(weights))),
            "the spec's precision changes the key"
        );
        assertEquals("fused", ModelLoader.variant(true, Precision.FP32, GemmPrecision.FP32));
        assertEquals("standard", ModelLoader.variant(false, Precision.FP32, GemmPrecision.FP32));
        assertEquals("fused-int8", ModelLoader.variant(true, Precision.FP32, GemmPrecision.INT8));
        assertEquals("standard-int8", ModelLoader.variant(false, Precision.FP32, GemmPrecision.INT8));
        assertEquals("int8", ModelLoader.reported(Precision.FP32, GemmPrecision.INT8));
        assertEquals("fp32", ModelLoader.reported(Precision.FP32, GemmPrecision.FP32));
        assertEquals("fp32", fp32.precision(AutoInt8.node()));
        assertEquals("int8", int8.precision(AutoInt8.node()));
        assertEquals("as_exported", spec("m").precision(AutoInt8.node()));
        // auto lists what this node's CPU gets, and why; the others need no reason
        ModelSpec auto = compiledSpec("auto");
        assertEquals(CpuInt8.node().present() ? "int8" : "fp32", auto.precision(AutoInt8.node()));
        assertTrue(auto.precisionReason(AutoInt8.node()).startsWith("[compile.quantize] is [auto] and this CPU"), auto.precisionReason(AutoInt8.node()));
        assertNull(fp32.precisionReason(AutoInt8.node()));
        assertNull(int8.precisionReason(AutoInt8.node()));
        assertEquals("fp32", auto.precision(AutoInt8.node(false)), "longdoc.auto_int8: false");

        CompiledModelCache cache = new CompiledModelCache(dir.resolve("compiled"));
        Path a = cache.getOrCompile(fp32, ModelLoader.variant(true, Precision.FP32, GemmPrecision.FP32), List.of(weights),
            () -> "fp32 graph".getBytes(StandardCharsets.UTF_8));
        Path b = cache.getOrCompile(int8, ModelLoader.variant(true, Precision.FP32, GemmPrecision.INT8), List.of(weights),
            () -> "int8 graph".getBytes(StandardCharsets.UTF_8));
        assertFalse(a.equals(b));
        assertEquals("int8 graph", Files.readString(b));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void compilesOnceAndReusesTheCompleteFile(@TempDir Path dir) throws IOException {
        Path weights = Files.writeString(dir.resolve("w.bin"), "weights");
        CompiledModelCache cache = new CompiledModelCache(dir.resolve("compiled"));
        int[] compiles = { 0 };
        byte[] graph = "graph".getBytes(StandardCharsets.UTF_8);
        Path first = cache.getOrCompile(spec("m"), "standard", List.of(weights), () -> { compiles[0]++; return graph; });
        Path second = cache.getOrCompile(spec("m"), "standard", List.of(weights), () -> { compiles[0]++; return graph; });
        assertEquals(first, second);
        assertEquals(1, compiles[0]);
        assertArrayEquals(graph, Files.readAllBytes(first));
        assertEquals(List.of(first.getFileName().toString()), names(dir.resolve("compiled")), "no partial file remains");
    }

    @Test
    void whileCompilingOnlyAPartialFileExists(@TempDir Path dir) throws IOException {
        Path weights = Files.writeString(dir.resolve("w.bin"), "weights");
        Path compiledDir = dir.resolve("compiled");
        CompiledModelCache cache = new CompiledModelCache(compiledDir);
        List<String>[] during = new List[1];
        cache.getOrCompile(spec("m"), "standard", List.of(weights), () -> {
            during[0] = names(compiledDir);
            return new byte[] { 1 };
        });
        assertEquals(1, during[0].size(), "one file while compiling: " + during[0]);
        assertTrue(during[0].get(0).matches("m-[0-9]+\\.partial"), "a partial file, as a kill -9 would leave it: " + during[0]);
    }

    @Test
    void aFailedCompileLeavesNothing(@TempDir Path dir) throws IOException {
        Path weights = Files.writeString(dir.resolve("w.bin"), "weights");
        CompiledModelCache cache = new CompiledModelCache(dir.resolve("compiled"));
        assertThrows(IOException.class, () -> cache.getOrCompile(spec("m"), "standard", List.of(weights), () -> { throw new IOException("boom"); }));
        assertEquals(List.of(), names(dir.resolve("compiled")));
    }

    @Test
    void leftoversOfAKilledCompileAreRemovedForThatModelOnly(@TempDir Path dir) throws IOException {
        Path weights = Files.writeString(dir.resolve("w.bin"), "weights");
        Path compiledDir = Files.createDirectories(dir.resolve("compiled"));
        Files.write(compiledDir.resolve("m-123456789.partial"), new byte[100]); // a node killed mid-compile of m
        Files.write(compiledDir.resolve("m-2-987654321.partial"), new byte[100]); // of another model, m-2
        CompiledModelCache cache = new CompiledModelCache(compiledDir);
        Path graph = cache.getOrCompile(spec("m"), "standard", List.of(weights), () -> new byte[] { 7 });
        // sorted by name, and the graph's name holds a hash: compare as sorted lists, not in a fixed order
        assertEquals(Stream.of("m-2-987654321.partial", graph.getFileName().toString()).sorted().toList(), names(compiledDir));
    }

    @Test
    void weightsThatChangeWhileCompilingAreNotStored(@TempDir Path dir) throws IOException {
        Path weights = Files.writeString(dir.resolve("w.bin"), "weights v1");
        CompiledModelCache cache = new CompiledModelCache(dir.resolve("compiled"));
        IOException e = assertThrows(IOException.class, () -> cache.getOrCompile(spec("m"), "standard", List.of(weights), () -> {
            Files.writeString(weights, "weights v2, copied in by an operator");
            return new byte[] { 1 };
        }));
        assertTrue(e.getMessage().contains("changed while it was compiled"), e.getMessage());
        assertEquals(List.of(), names(dir.resolve("compiled")));
        // complete files afterwards compile and are kept
        Path graph = cache.getOrCompile(spec("m"), "standard", List.of(weights), () -> new byte[] { 2 });
        assertTrue(Files.isRegularFile(graph));
    }

    @Test
    void aCacheThatCannotBeWrittenIsNamedWithoutItsPath(@TempDir Path dir) throws IOException {
        Path weights = Files.writeString(dir.resolve("w.bin"), "weights");
        Path notADirectory = Files.writeString(dir.resolve("compiled"), "a file where the cache folder should be");
        CompiledModelCache cache = new CompiledModelCache(notADirectory);
        IOException e = assertThrows(IOException.class, () -> cache.getOrCompile(spec("m"), "standard", List.of(weights), () -> new byte[] { 1 }));
        assertTrue(e.getMessage().startsWith("the compiled graph could not be stored under the node's data path (longdoc/compiled)"), e.getMessage());
        assertFalse(e.getMessage().contains(dir.toString()), "no absolute path: " + e.getMessage());
    }
}
