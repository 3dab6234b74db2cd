package io.longdoc.it;

import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.longdoc.it.Fixtures.MINILM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code "summary": "abstractive"} on a real node: the synthetic LED installed under config/longdoc/models writes the
 * summary of a long document, the extractive summary stays past the budget, and bad specs are 400s naming the
 * problem while the node stays up.
 */
@ExtendWith(LongdocNodeExtension.class)
@Order(16)
class AbstractiveSummaryIT {

    private static ObjectNode abstractive() {
        ObjectNode options = Fixtures.longDoc("text", MINILM).put("sections", true);
        options.put("summary", "abstractive");
        options.put("summary_model", LongdocNodeExtension.LED_MODEL);
        return options;
    }

    /** The opening of the first State of the Union address: about 12,000 characters. */
    private static String longDocument() throws Exception {
        String text = Corpus.first(Corpus.sotu(), 1).get(0).text();
        return text.substring(0, text.lastIndexOf(". ", 12_000) + 1);
    }

    @Test
    void theLedWritesTheSummaryOfALongDocument(JsonRest es) throws Exception {
        String text = longDocument();
        JsonNode longdoc = Fixtures.simulateInline(es, abstractive(), text);
        assertEquals("abstractive", longdoc.path("summary_kind").asText(), "kind: " + longdoc.path("summary_kind"));
        String summary = longdoc.path("summary").asText();
        // generation_config.json: max_length 24 tokens, start token included: at most 23 byte-level tokens of text
        assertTrue(summary.codePoints().count() <= 23 * 4, "summary of " + summary.length() + " chars: " + summary);
        assertFalse(text.contains(summary) && summary.length() > 40, "an abstractive summary is not a cut of the text: " + summary);
        assertEquals(384, longdoc.path("summary_embedding").size());
        assertTrue(longdoc.path("tokens").asInt() > 2000, "a long document: " + longdoc.path("tokens") + " tokens for the embedding model");
    }

    /**
     * The LED is managed like an embedding model: _load loads it on the node (fused kernel), GET _longdoc/models
     * shows it as a summary model with its state and stats, and its three graphs lie in the compiled-graph cache.
     */
    @Test
    void theSummaryModelIsLoadedListedAndCounted(JsonRest es, ElasticsearchNode node) throws Exception {
        String id = LongdocNodeExtension.LED_MODEL;
        JsonRest.Reply loaded = es.post("/_longdoc/models/" + id + "/_load", null).assertSuccess();
        JsonNode onNode = loaded.at("/nodes").elements().next();
        assertEquals("fused", onNode.path("attention").asText(), "the encoder runs the onnx-ops kernel: " + loaded);
        assertTrue(onNode.path("loaded").asBoolean(), loaded.raw());

        Fixtures.simulateInline(es, abstractive().put("summary_max_tokens", 1000), longDocument()); // a fallback, counted
        JsonNode model = es.get("/_longdoc/models/" + id).assertSuccess().at("/models/0");
        assertEquals("summary", model.path("type").asText(), model.toString());
        assertEquals("led", model.path("architecture").asText(), model.toString());
        assertEquals(16384, model.path("max_tokens").asInt(), model.toString());
        assertTrue(model.path("loaded").asBoolean(), model.toString());
        assertEquals("fused", model.at("/attention/kernel").asText(), model.toString());
        JsonNode stats = model.path("stats");
        assertTrue(stats.path("documents").asLong() >= 1 && stats.path("extractive_fallback").asLong() >= 1, "stats: " + stats);
        assertTrue(stats.path("input_tokens").asLong() > 1000, "stats: " + stats);

        JsonNode listed = es.get("/_longdoc/models").assertSuccess().at("/models");
        boolean found = false;
        for (JsonNode m : listed) {
            found |= m.path("id").asText().equals(id) && m.path("type").asText().equals("summary") && m.path("error").isMissingNode();
        }
        assertTrue(found, "GET _longdoc/models lists the LED as a summary model: " + listed);

        try (var files = java.nio.file.Files.list(node.home().resolve("data/longdoc/compiled"))) {
            long graphs = files.map(f -> f.getFileName().toString()).filter(f -> f.matches(java.util.regex.Pattern.quote(id) + "\\+(encoder|cross|step)-[0-9a-f]{16}\\.onnx")).count();
            assertEquals(3, graphs, "encoder, cross keys/values and decoder step in the compiled-graph cache");
        }
    }

    @Test
    void pastTheTokenBudgetTheExtractiveSummaryStays(JsonRest es) throws Exception {
        String text = longDocument();
        JsonNode longdoc = Fixtures.simulateInline(es, abstractive().put("summary_max_tokens", 1000), text);
        assertEquals("extractive_fallback", longdoc.path("summary_kind").asText());
        String summary = longdoc.path("summary").asText();
        assertTrue(summary.length() > 100 && text.contains(summary.split("\n")[0]), "the extractive summary: " + summary);
    }

    @Test
    void badSummarySpecsAre400sAndTheNodeStaysUp(JsonRest es) {
        assertBadPipeline(es, abstractive().put("summary_model", "no-such-led"), "unknown summary model [no-such-led]");
        assertBadPipeline(es, abstractive().put("summary_model", LongdocNodeExtension.BROKEN_MODEL), "is not an LED checkpoint");
        ObjectNode withoutModel = abstractive();
        withoutModel.remove("summary_model");
        assertBadPipeline(es, withoutModel, "[summary_model] is required");
        JsonRest.Reply load = es.post("/_longdoc/models/no-such-led/_load", null);
        assertEquals(404, load.status(), load.raw());
        es.get("/_cluster/health").assertSuccess();
    }

    private static void assertBadPipeline(JsonRest es, ObjectNode options, String expected) {
        JsonRest.Reply reply = Fixtures.putPipeline(es, "it-bad-summary", options);
        assertEquals(400, reply.status(), reply.raw());
        assertTrue(reply.raw().contains(expected), reply.raw());
    }
}
