package io.longdoc.it;

import io.longdoc.corpus.Texts;
import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The compiled-graph cache ({@code <data>/longdoc/compiled}) through real nodes, where a compile can be stopped: a
 * {@code kill -9} mid-compile, a data path that is read-only or full, and model files changed under a loaded model.
 * Never a half-written graph under its final name, never a crash; a complete graph afterwards encodes exactly what the
 * shared node's copy of the same weights does.
 */
@ExtendWith(LongdocNodeExtension.class)
@Order(77)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CompileCrashIT {

    static final String VICTIM = "compile-victim";
    static final String SECOND = "compile-second";
    static final String SOURCE = Fixtures.MINILM;

    static ElasticsearchNode node;

    /** An operator copy of the bundled MiniLM: same weights and attention, so the same graph under another id. */
    private static ElasticsearchNode.Builder withOperatorCopy(ElasticsearchNode.Builder builder, String id, int window) {
        String spec = """
            {"id": "%s", "architecture": "bert", "dims": 384, "pooling": "mean", "normalize": true, "max_tokens": 16384,
             "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
             "compile": {"weights": "onnx_export", "longify": true, "fused": true, "attention": {"type": "sliding_window", "window": %d}}}
            """.formatted(id, window);
        return Fixtures.withOperatorCopy(builder, id, spec, SOURCE);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    @Order(1)
    void killedMidCompileTheNextStartRecompilesAndEncodesLikeTheOriginal(JsonRest shared) throws Exception {
        // no preload: the only compiles are the test's own (a preloaded default model would compile first, and be killed too)
        ElasticsearchNode.Builder builder = Fixtures.withoutPreload(HarnessConfig.nodeWithPlugin("longdoc-compile-kill")).clusterName("longdoc-compile-kill").heap("2g");
        node = withOperatorCopy(withOperatorCopy(builder, VICTIM, 256), SECOND, 128).build().start();
        Path compiled = node.home().resolve("data/longdoc/compiled");
        JsonRest es = new JsonRest(node.restClient());
        CompletableFuture<JsonRest.Reply> load = CompletableFuture.supplyAsync(() -> es.post("/_longdoc/models/" + VICTIM + "/_load", null));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (partials(compiled, VICTIM).isEmpty()) {
            if (System.nanoTime() > deadline || load.isDone()) {
                fail("no compile in progress was seen (load: " + (load.isDone() ? load.join() : "running") + ")");
            }
            Thread.sleep(10);
        }
        node.kill();
        List<Path> left = partials(compiled, VICTIM);
        List<Path> finals = graphs(compiled, VICTIM);
        System.out.println("[it] killed mid-compile: left " + left + ", complete graphs " + finals);
        assertEquals(1, left.size(), "the kill left the compile's partial file");

        node.restart();
        JsonRest restarted = new JsonRest(node.restClient());
        restarted.post("/_longdoc/models/" + VICTIM + "/_load", null).assertSuccess();
        assertEquals(List.of(), partials(compiled, VICTIM), "the next compile removed the leftover");
        assertEquals(1, graphs(compiled, VICTIM).size(), "one complete graph");
        assertSameEmbedding(restarted, VICTIM, shared, SOURCE);
    }

    @Test
    @Order(2)
    void aReadOnlyDataPathIsAClearErrorAndLeavesNothing() throws IOException {
        Path compiled = node.home().resolve("data/longdoc/compiled");
        Files.setPosixFilePermissions(compiled, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            JsonRest es = new JsonRest(node.restClient());
            JsonRest.Reply failed = es.post("/_longdoc/models/" + SECOND + "/_load", null);
            assertEquals(500, failed.status(), "the node's disk, not the request: " + failed);
            assertTrue(failed.errorReasons().contains("could not be stored under the node's data path (longdoc/compiled): permission denied"), failed.errorReasons());
            assertFalse(failed.raw().contains(node.home().toString()), "no absolute path in the answer: " + failed.raw());
            assertEquals(List.of(), graphs(compiled, SECOND));
            assertEquals(List.of(), partials(compiled, SECOND));
            assertTrue(node.isRunning());
            assertFalse(es.get("/_longdoc/models/" + SECOND).assertSuccess().at("/models/0/loaded").asBoolean());
        } finally {
            Files.setPosixFilePermissions(compiled, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        new JsonRest(node.restClient()).post("/_longdoc/models/" + SECOND + "/_load", null).assertSuccess(); // writable again: loads
    }

    @Test
    @Order(3)
    void filesChangedUnderALoadedModelDoNotChangeItUntilItIsLoadedAgain() throws IOException {
        JsonRest es = new JsonRest(node.restClient());
        String text = Texts.firstWords(Corpus.first(Corpus.sotu(), 1).get(0).text(), 600);
        float[] before = embedding(es, VICTIM, text);
        Path folder = node.configDir().resolve("longdoc/models/" + VICTIM);
        Files.write(folder.resolve("model.onnx"), new byte[] { 1, 2, 3 }); // an operator copying a new model over it
        Files.writeString(folder.resolve("tokenizer.json"), "{ truncated");
        assertEquals(1.0, cosine(before, embedding(es, VICTIM, text)), 1e-6, "the loaded model runs from memory");
        assertTrue(es.get("/_longdoc/models/" + VICTIM).assertSuccess().at("/models/0/loaded").asBoolean());

        node.kill(); // the next load, after a restart, reads the changed files: a clear 400, the node up
        node.restart();
        JsonRest restarted = new JsonRest(node.restClient());
        JsonRest.Reply failed = restarted.post("/_longdoc/models/" + VICTIM + "/_load", null);
        assertEquals(400, failed.status(), failed.toString());
        assertTrue(failed.errorReasons().contains("model [" + VICTIM + "] could not be loaded"), failed.errorReasons());
        assertTrue(node.isRunning());
        assertEquals(384, embedding(restarted, SECOND, text).length, "another model of the node still works");
    }

    @Test
    @Order(4)
    void aFullDiskWhileCompilingIsAClearErrorAndLeavesNothing() throws IOException {
        node.stop();
        node = null;
        // 40 MiB per file: Elasticsearch's own files fit, MiniLM's compiled graph (≈ 115 MB) does not
        ElasticsearchNode.Builder builder = Fixtures.withoutPreload(HarnessConfig.nodeWithPlugin("longdoc-compile-full")).clusterName("longdoc-compile-full")
            .heap("2g").fileSizeLimitKb(40 * 1024); // no preload: the default model's graph would hit the limit first
        try (ElasticsearchNode full = withOperatorCopy(builder, VICTIM, 256).build().start()) {
            JsonRest es = new JsonRest(full.restClient());
            Path compiled = full.home().resolve("data/longdoc/compiled");
            for (int attempt = 0; attempt < 2; attempt++) { // nothing half-written is picked up by the second try
                JsonRest.Reply failed = es.post("/_longdoc/models/" + VICTIM + "/_load", null);
                assertEquals(500, failed.status(), failed.toString());
                assertTrue(failed.errorReasons().contains("could not be stored under the node's data path (longdoc/compiled): File too large"), failed.errorReasons());
                assertEquals(List.of(), graphs(compiled, VICTIM));
                assertEquals(List.of(), partials(compiled, VICTIM));
            }
            assertTrue(full.isRunning());
            es.get("/_cluster/health").assertSuccess();
        }
    }

    private static void assertSameEmbedding(JsonRest es, String model, JsonRest reference, String referenceModel) {
        String text = Texts.firstWords(Corpus.first(Corpus.sotu(), 1).get(0).text(), 1200);
        double cosine = cosine(embedding(es, model, text), embedding(reference, referenceModel, text));
        assertTrue(cosine >= 0.99999, model + " against " + referenceModel + ": cosine " + cosine);
    }

    private static float[] embedding(JsonRest es, String model, String text) {
        return JsonRest.floats(Fixtures.simulateInline(es, Fixtures.longDoc("text", model), text).path("embedding"));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot / (JsonRest.l2Norm(a) * JsonRest.l2Norm(b));
    }

    private static List<Path> partials(Path dir, String id) throws IOException {
        return files(dir, id + "-[0-9]+\\.partial");
    }

    private static List<Path> graphs(Path dir, String id) throws IOException {
        return files(dir, id + "-[0-9a-f]{16}\\.onnx");
    }

    private static List<Path> files(Path dir, String pattern) throws IOException {
        if (Files.isDirectory(dir) == false) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(pattern)).sorted().toList();
        }
    }
}
