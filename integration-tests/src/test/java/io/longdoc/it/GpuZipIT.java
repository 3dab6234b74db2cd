package io.longdoc.it;

import io.longdoc.corpus.Texts;
import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The GPU zip ({@code mvn -Plongdoc-gpu}) in a real node on a machine without NVIDIA GPU or CUDA libraries: it
 * installs, ONNX Runtime's GPU build starts, and its CUDA provider fails to load with an exception, not a crash.
 * Under {@code auto} documents are encoded on the CPU and {@code GET _longdoc/models} says why not on CUDA; under
 * {@code cuda} ingest through {@code long_doc} is a 503 naming the cause, and the node stays up and answers searches.
 * Skipped unless the run built the GPU zip ({@code tests.plugin.gpu_zip}).
 */
@Order(78)
class GpuZipIT {

    static final String MODEL = Fixtures.MINILM;
    static Path gpuZip;

    @BeforeAll
    static void needsTheGpuZip() {
        gpuZip = HarnessConfig.gpuPluginZip().orElse(null);
        assumeTrue(gpuZip != null, "the GPU zip was not built: run with -Plongdoc-gpu");
    }

    @Test
    void autoEncodesOnTheCpuAndSaysWhyNotCuda() {
        try (ElasticsearchNode node = gpuNode("longdoc-gpu-auto", "auto").start()) {
            Path natives = node.home().resolve("plugins/longdoc/native/linux-x64");
            for (String library : new String[] { "libonnxruntime_providers_cuda.so", "libonnxruntime_providers_shared.so", "liblongdoc_ops_cuda.so", "liblongdoc_ops.so" }) {
                assertTrue(Files.isRegularFile(natives.resolve(library)), "the GPU zip installs " + library);
            }
            JsonRest es = new JsonRest(node.restClient());
            JsonNode before = es.get("/_longdoc/models").assertSuccess().at("/runtime/execution_provider");
            assertEquals("auto", before.path("setting").asText(), before.toString());

            String text = Texts.firstWords(Corpus.first(Corpus.sotu(), 1).get(0).text(), 400);
            JsonNode longdoc = Fixtures.simulateInline(es, Fixtures.longDoc("text", MODEL), text);
            assertEquals(Fixtures.DIMS, longdoc.path("embedding").size(), longdoc.toString());

            JsonNode provider = es.get("/_longdoc/models").assertSuccess().at("/runtime/execution_provider");
            assertEquals("cpu", provider.path("in_use").asText(), provider.toString());
            String reason = provider.path("reason").asText();
            assertTrue(reason.contains("CUDA execution provider did not load") && reason.contains("CUDA 12"), "names the missing libraries: " + reason);

            // per model: where it runs, in what precision, the fused op on the CPU library of the GPU zip, and why
            JsonNode model = es.get("/_longdoc/models/" + MODEL).assertSuccess().at("/models/0");
            JsonNode placement = model.path("placement");
            assertEquals("cpu", placement.path("execution_provider").asText(), placement.toString());
            assertEquals("cpu", placement.path("device").asText(), placement.toString());
            assertEquals("fp32", placement.path("precision").asText(), placement.toString());
            assertEquals("cpu", placement.path("fused_op").asText(), placement.toString());
            assertEquals("fused", model.path("attention").path("kernel").asText(), model.path("attention").toString());
            String modelReason = placement.path("fallback_reasons").path(0).asText();
            assertTrue(
                modelReason.contains("longdoc.execution_provider is [auto] and models run on the CPU") && modelReason.contains("did not load"),
                "the model says why not CUDA: " + placement
            );
            assertTrue(node.isRunning(), "the node is up after the CUDA provider failed to load");
        }
    }

    @Test
    void cudaFailsIngestWithTheCauseAndTheNodeStaysUp() {
        try (ElasticsearchNode node = gpuNode("longdoc-gpu-cuda", "cuda").start()) {
            JsonRest es = new JsonRest(node.restClient());
            es.put("/_ingest/pipeline/encode", Fixtures.pipelineBody(Fixtures.longDoc("text", MODEL))).assertSuccess();
            for (int attempt = 0; attempt < 2; attempt++) {
                JsonRest.Reply failed = es.put("/docs/_doc/1?pipeline=encode", JsonRest.json("{\"text\": \"a short text to encode\"}"));
                assertEquals(503, failed.status(), "service unavailable, not a crash: " + failed);
                String reason = failed.errorReasons();
                assertTrue(
                    reason.contains("longdoc.execution_provider is [cuda] but") && reason.contains("CUDA execution provider did not load")
                        && reason.contains("set longdoc.execution_provider to [auto] or [cpu]"),
                    reason
                );
            }
            assertEquals(404, es.get("/docs/_doc/1").status(), "no document was indexed without its vectors");

            // an explicit load says the same
            JsonRest.Reply load = es.post("/_longdoc/models/" + MODEL + "/_load", null);
            assertEquals(503, load.status(), load.toString());
            assertTrue(load.errorReasons().contains("longdoc.execution_provider is [cuda] but"), load.toString());

            JsonNode provider = es.get("/_longdoc/models").assertSuccess().at("/runtime/execution_provider");
            assertEquals("none", provider.path("in_use").asText(), provider.toString());
            assertTrue(provider.path("error").asText().contains("did not load"), provider.toString());

            es.put("/plain/_doc/1?refresh=true", JsonRest.json("{\"text\": \"the quick brown fox\"}")).assertSuccess();
            JsonNode hits = es.post("/plain/_search", JsonRest.json("{\"query\": {\"match\": {\"text\": \"fox\"}}}")).assertSuccess().at("/hits/hits");
            assertEquals(1, hits.size(), hits.toString());
            assertTrue(node.isRunning(), "the node is up");
        }
    }

    private static ElasticsearchNode gpuNode(String name, String provider) {
        return HarnessConfig.nodeWithGpuPlugin(name, gpuZip).clusterName(name).heap("1g").setting("longdoc.execution_provider", provider).build();
    }
}
