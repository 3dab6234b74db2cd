package io.longdoc.it;

import io.longdoc.corpus.Texts;
import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model specs through a node that lacks the onnx-ops library (deleted after install): a spec asking for the fused
 * kernel falls back to standard ops, says so in {@code _longdoc/models}, and encodes what the fused kernel encodes on
 * the shared node (the LED summary model's encoder likewise, writing the same summary); specs with bad attention attributes (a window of 0, dilations that do not fit the model) are 400s
 * naming the attribute, never a native crash.
 */
@ExtendWith(LongdocNodeExtension.class)
@Order(75)
class FusedFallbackIT {

    static final String MODEL = Fixtures.MINILM;
    static final String BAD_WINDOW = "bad-window";
    static final String BAD_DILATION = "bad-dilation";
    static final String SPEC = """
        {"id": "%s", "architecture": "bert", "dims": 384, "pooling": "mean", "normalize": true, "max_tokens": 4096,
         "files": {"model": "model.onnx", "tokenizer": "tokenizer.json"},
         "compile": {"weights": "onnx_export", "longify": true, "fused": true, "attention": %s}}
        """;

    static ElasticsearchNode node;
    static JsonRest es;

    @BeforeAll
    static void startANodeWithoutTheOpsLibrary() {
        ElasticsearchNode.Builder builder = HarnessConfig.nodeWithPlugin("longdoc-noops")
            .clusterName("longdoc-noops")
            .heap("1g")
            .withoutPluginFile("liblongdoc_ops.so");
        operatorModel(builder, BAD_WINDOW, "{\"type\": \"sliding_window\", \"window\": 0}");
        LongdocNodeExtension.addSyntheticLed(builder);
        operatorModel(builder, BAD_DILATION, "{\"type\": \"sliding_window\", \"window\": 64, \"dilation\": [[2, 2]]}");
        node = builder.build().start();
        es = new JsonRest(node.restClient());
    }

    private static void operatorModel(ElasticsearchNode.Builder builder, String id, String attention) {
        Fixtures.withOperatorCopy(builder, id, SPEC.formatted(id, attention), MODEL);
    }

    @AfterAll
    static void stopTheNode() {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    void aFusedSpecFallsBackToStandardOpsSaysWhyAndEncodesTheSame(JsonRest shared) {
        JsonRest.Reply loaded = es.post("/_longdoc/models/" + MODEL + "/_load", null).assertSuccess();
        JsonNode onNode = loaded.at("/nodes").elements().next();
        assertEquals("standard_ops", onNode.path("attention").asText(), "kernel without the library: " + loaded);
        assertTrue(onNode.path("fallback_reason").asText().contains("not installed"), "the reason is reported: " + loaded);
        JsonNode listed = es.get("/_longdoc/models/" + MODEL).assertSuccess().at("/models/0/attention");
        assertEquals("standard_ops", listed.path("kernel").asText(), "GET _longdoc/models: " + listed);
        assertTrue(listed.path("fallback_reason").asText().contains("liblongdoc_ops.so"), "GET names the library: " + listed);

        // the same text through both kernels: the shared node runs the fused one
        String text = Texts.firstWords(Corpus.first(Corpus.sotu(), 1).get(0).text(), 1500);
        ObjectNode options = Fixtures.longDoc("text", MODEL);
        float[] standard = JsonRest.floats(Fixtures.simulateInline(es, options, text).path("embedding"));
        float[] fused = JsonRest.floats(Fixtures.simulateInline(shared, options, text).path("embedding"));
        double dot = 0;
        for (int i = 0; i < standard.length; i++) {
            dot += standard[i] * fused[i];
        }
        System.out.printf("FALLBACK: standard ops without the library vs the fused kernel, 1,500 words: cosine %.7f%n", dot);
        assertEquals(384, standard.length);
        assertTrue(dot > 0.9999, "standard and fused embeddings agree: cosine " + dot);
    }

    /** The LED's encoder falls back the same way, says so, and the summary is the one the fused kernel writes. */
    @Test
    void theLedEncoderFallsBackToStandardOpsAndWritesTheSameSummary(JsonRest shared) throws Exception {
        String led = LongdocNodeExtension.LED_MODEL;
        JsonRest.Reply loaded = es.post("/_longdoc/models/" + led + "/_load", null).assertSuccess();
        JsonNode onNode = loaded.at("/nodes").elements().next();
        assertEquals("standard_ops", onNode.path("attention").asText(), "the LED encoder without the library: " + loaded);
        assertTrue(onNode.path("fallback_reason").asText().contains("not installed"), "the reason is reported: " + loaded);
        JsonNode listed = es.get("/_longdoc/models/" + led).assertSuccess().at("/models/0");
        assertEquals("summary", listed.path("type").asText(), listed.toString());
        assertEquals("standard_ops", listed.at("/attention/kernel").asText(), "GET _longdoc/models: " + listed);
        assertTrue(listed.at("/attention/fallback_reason").asText().contains("liblongdoc_ops.so"), "GET names the library: " + listed);

        String text = Texts.firstWords(Corpus.first(Corpus.sotu(), 1).get(0).text(), 1500);
        ObjectNode options = Fixtures.longDoc("text", MODEL).put("sections", true).put("summary", "abstractive").put("summary_model", led);
        JsonNode standard = Fixtures.simulateInline(es, options, text);
        JsonNode fused = Fixtures.simulateInline(shared, options, text);
        assertEquals("abstractive", standard.path("summary_kind").asText(), standard.toString());
        assertEquals(fused.path("summary").asText(), standard.path("summary").asText(), "standard ops and the fused kernel write the same summary");
    }

    @Test
    void aWindowOfZeroIsA400NamingTheAttribute() {
        JsonRest.Reply pipeline = Fixtures.putPipeline(es, "bad-window", Fixtures.longDoc("text", BAD_WINDOW));
        assertEquals(400, pipeline.status(), "a pipeline on a model whose spec is invalid: " + pipeline);
        assertTrue(pipeline.errorReasons().contains("compile.attention.window"), "names the attribute: " + pipeline.errorReasons());
        JsonRest.Reply load = es.post("/_longdoc/models/" + BAD_WINDOW + "/_load", null);
        assertEquals(400, load.status(), "loading it: " + load);
    }

    @Test
    void dilationsThatDoNotFitTheModelAreA400AndTheNodeStaysUp() {
        JsonRest.Reply load = es.post("/_longdoc/models/" + BAD_DILATION + "/_load", null);
        assertEquals(400, load.status(), "loading a spec whose dilation rows do not match the layers: " + load);
        assertTrue(load.errorReasons().contains("dilation"), "names the attribute: " + load.errorReasons());
        es.get("/_cluster/health").assertSuccess();
    }
}
