package io.longdoc.it;

import io.longdoc.corpus.Texts;
import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX Runtime's native start-up inside real nodes, under conditions that used to take the node down or poison the
 * runtime. ONNX Runtime 1.29's telemetry parses the process's command line recursively while its environment is
 * created; past ≈ 3.9 KB that overflowed the thread's stack (SIGSEGV). longdoc turns the telemetry off, and where an
 * operator keeps it on, refuses a long command line. ONNX Runtime's Java loader needs the temp dir. In every case the
 * node stays up; where ONNX Runtime cannot run, {@code long_doc} fails with a 503 naming the cause, {@code GET
 * _longdoc/models} reports it, and searches without models are unaffected.
 */
@ExtendWith(LongdocNodeExtension.class)
@Order(76)
class NativeStartIT {

    static final String MODEL = Fixtures.MINILM;

    @Test
    void aCommandLineJustUnder4KbEncodes(ElasticsearchNode shared) throws IOException {
        try (ElasticsearchNode node = paddedNode("longdoc-cmdline-3k", 3_700 - commandLineBytes(shared)).build().start()) {
            long bytes = commandLineBytes(node);
            assertTrue(bytes >= 3_400 && bytes < 3_900, "the server's command line is just under the crash point: " + bytes);
            assertEncodesWithTelemetryOff(node);
        }
    }

    @Test
    void aCommandLinePast4KbEncodes(ElasticsearchNode shared) throws IOException {
        try (ElasticsearchNode node = paddedNode("longdoc-cmdline-6k", 6_000 - commandLineBytes(shared)).build().start()) {
            long bytes = commandLineBytes(node);
            assertTrue(bytes > 5_000, "the server's command line is well past the crash point (≈ 3.9 KB): " + bytes);
            assertEncodesWithTelemetryOff(node);
        }
    }

    @Test
    void telemetryKeptOnWithALongCommandLineRefusesOnnxRuntime(ElasticsearchNode shared) throws IOException {
        ElasticsearchNode.Builder builder = paddedNode("longdoc-cmdline-telemetry", 6_000 - commandLineBytes(shared))
            .environment("ORT_DISABLE_TELEMETRY", "0");
        try (ElasticsearchNode node = builder.build().start()) {
            JsonRest es = new JsonRest(node.restClient());
            String reason = assertRefused(es, "ORT_DISABLE_TELEMETRY=1");
            assertTrue(reason.contains("is longer than 4096 bytes") && reason.contains("up to 3000 bytes"), "names the size and the limit: " + reason);
            assertEquals("enabled_by_operator", es.get("/_longdoc/models").assertSuccess().at("/runtime/telemetry").asText());
            assertSearchesWithoutModels(es, node);
        }
    }

    @Test
    void aTempDirRemovedUnderTheNodeRefusesOnnxRuntime() throws IOException {
        try (ElasticsearchNode node = Fixtures.withoutPreload(HarnessConfig.nodeWithPlugin("longdoc-notmp")).clusterName("longdoc-notmp").heap("1g").build().start()) {
            ElasticsearchNode.deleteRecursively(node.home().resolve("tmp")); // as a tmp cleaner does to a long-running node
            JsonRest es = new JsonRest(node.restClient());
            assertRefused(es, "java.io.tmpdir");
            assertSearchesWithoutModels(es, node);
        }
    }

    /** Without preload: ONNX Runtime must start on the test's first document, not at node start. */
    private static ElasticsearchNode.Builder paddedNode(String name, long padding) {
        assertTrue(padding > 0, "padding " + padding);
        return Fixtures.withoutPreload(HarnessConfig.nodeWithPlugin(name)).clusterName(name).heap("1g").extraJavaOpts("-Dlongdoc.it.padding=" + "p".repeat((int) padding));
    }

    private static void assertEncodesWithTelemetryOff(ElasticsearchNode node) {
        JsonRest es = new JsonRest(node.restClient());
        JsonRest.Reply before = es.get("/_longdoc/models").assertSuccess();
        assertEquals("not_started", before.at("/runtime/onnxruntime").asText(), "nothing loaded ONNX Runtime yet (longdoc.models.preload: [])");
        before.at("/models").forEach(model -> assertEquals("not_loaded", model.path("state").asText(), "no model was preloaded: " + model));
        JsonNode longdoc = Fixtures.simulateInline(es, Fixtures.longDoc("text", MODEL), Texts.firstWords(Corpus.first(Corpus.sotu(), 1).get(0).text(), 400));
        assertEquals(384, longdoc.path("embedding").size(), longdoc.toString());
        JsonNode runtime = es.get("/_longdoc/models").assertSuccess().at("/runtime");
        assertEquals("started", runtime.path("onnxruntime").asText(), runtime.toString());
        assertEquals("disabled", runtime.path("telemetry").asText(), "longdoc turned ONNX Runtime's telemetry off: " + runtime);
        assertFalse(Files.exists(Path.of("/tmp/mat-debug-" + node.pid() + ".log")), "the telemetry SDK never started (it writes this log first)");
        assertTrue(node.isRunning(), "the node is up after ONNX Runtime started");
        es.get("/_cluster/health").assertSuccess();
    }

    /** Indexing through {@code long_doc} is a 503 naming the cause, twice (the reason is kept); returns the reason. */
    private static String assertRefused(JsonRest es, String cause) {
        es.put("/_ingest/pipeline/encode", Fixtures.pipelineBody(Fixtures.longDoc("text", MODEL))).assertSuccess();
        String reason = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            JsonRest.Reply failed = es.put("/docs/_doc/1?pipeline=encode", JsonRest.json("{\"text\": \"a short text to encode\"}"));
            assertEquals(503, failed.status(), "service unavailable, not a crash and not a 400: " + failed);
            reason = failed.errorReasons();
            assertTrue(reason.contains("ONNX Runtime is not available on this node") && reason.contains(cause), reason);
        }
        assertEquals(404, es.get("/docs/_doc/1").status(), "no document was indexed without its vectors");
        JsonNode runtime = es.get("/_longdoc/models").assertSuccess().at("/runtime");
        assertEquals("unavailable", runtime.path("onnxruntime").asText(), runtime.toString());
        assertTrue(runtime.path("reason").asText().contains(cause), runtime.toString());
        return reason;
    }

    private static void assertSearchesWithoutModels(JsonRest es, ElasticsearchNode node) {
        es.put("/plain/_doc/1?refresh=true", JsonRest.json("{\"text\": \"the quick brown fox\"}")).assertSuccess();
        JsonNode hits = es.post("/plain/_search", JsonRest.json("{\"query\": {\"match\": {\"text\": \"fox\"}}}")).assertSuccess().at("/hits/hits");
        assertEquals(1, hits.size(), hits.toString());
        assertTrue(node.isRunning(), "the node is up");
    }

    /** The server's command line as ONNX Runtime reads it ({@code /proc/<pid>/cmdline}, NUL-separated). */
    private static long commandLineBytes(ElasticsearchNode node) throws IOException {
        return Files.readAllBytes(Path.of("/proc", Long.toString(node.pid()), "cmdline")).length;
    }
}
