package io.longdoc.it;

import io.longdoc.corpus.Corpus;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.longdoc.it.Fixtures.BGE;
import static io.longdoc.it.Fixtures.MINILM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET _longdoc/models} and {@code GET _longdoc/models/<id>}. */
@ExtendWith(LongdocNodeExtension.class)
@Order(40)
class ModelsRestIT {

    private final JsonRest es;

    ModelsRestIT(JsonRest es) {
        this.es = es;
    }

    private static Map<String, JsonNode> byId(JsonRest.Reply reply) {
        JsonNode models = reply.at("/models");
        assertTrue(models.isArray(), "models should be an array: " + reply);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        models.forEach(model -> out.put(model.path("id").asText(), model));
        return out;
    }

    @Test
    void theListShowsTheBundledModelsAndTheOperatorModel() {
        JsonRest.Reply reply = es.get("/_longdoc/models").assertSuccess();
        assertEquals(BGE, reply.at("/default_model").asText(), "default_model: " + reply);
        Map<String, JsonNode> models = byId(reply);
        assertTrue(models.keySet().containsAll(List.of(BGE, MINILM, LongdocNodeExtension.BROKEN_MODEL)),
            "models listed: " + models.keySet());

        assertModel(models.get(BGE), "plugin", "cls", Fixtures.MAX_TOKENS);
        assertModel(models.get(MINILM), "plugin", "mean", Fixtures.MAX_TOKENS);
        assertModel(models.get(LongdocNodeExtension.BROKEN_MODEL), "config", "mean", 512);
    }

    private static void assertModel(JsonNode model, String location, String pooling, int maxTokens) {
        String id = model.path("id").asText();
        assertEquals(location, model.path("location").asText(), id + " location: " + model);
        assertEquals("bert", model.path("architecture").asText(), id + " architecture: " + model);
        assertEquals(384, model.path("dims").asInt(), id + " dims: " + model);
        assertEquals(pooling, model.path("pooling").asText(), id + " pooling: " + model);
        assertTrue(model.path("normalize").isBoolean() && model.path("normalize").asBoolean(), id + " normalize: " + model);
        assertEquals(maxTokens, model.path("max_tokens").asInt(), id + " max_tokens: " + model);
        assertTrue(model.path("loaded").isBoolean(), id + " loaded should be a boolean: " + model);
        assertTrue(List.of("not_loaded", "loading", "loaded", "failed").contains(model.path("state").asText()), id + " state: " + model);
        assertEquals(model.path("loaded").asBoolean(), "loaded".equals(model.path("state").asText()), id + " loaded and state agree: " + model);
        JsonNode stats = model.path("stats");
        for (String stat : List.of("inference_calls", "documents", "tokens", "total_latency_ms", "mean_latency_ms")) {
            assertTrue(stats.path(stat).isNumber() && stats.path(stat).asDouble() >= 0, id + " stats." + stat + ": " + stats);
        }
    }

    @Test
    void theAnswerShowsNoFilesystemPath(ElasticsearchNode node) {
        String raw = es.get("/_longdoc/models").assertSuccess().raw();
        for (String path : List.of("/work", "/tmp", node.home().toString(), node.configDir().toString(),
            HarnessConfig.workDir().toString(), System.getProperty("user.home"))) {
            assertFalse(raw.contains(path), "the answer shows [" + path + "]: " + raw);
        }
        List<String> pathLike = new ArrayList<>();
        collectPathLikeStrings(JsonRest.json(raw), pathLike);
        assertTrue(pathLike.isEmpty(), "strings that look like absolute paths: " + pathLike);
    }

    private static void collectPathLikeStrings(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            String text = node.asText();
            if (text.startsWith("/") || text.startsWith("file:") || text.matches("^[A-Za-z]:\\\\.*")) {
                out.add(text);
            }
        }
        node.forEach(child -> collectPathLikeStrings(child, out));
    }

    @Test
    void theStatsOfAModelGrowWithIngest() {
        JsonNode before = oneModel(MINILM);
        String pipeline = "it-models-minilm";
        Fixtures.createPipeline(es, pipeline, Fixtures.longDoc("text", MINILM));
        Fixtures.createIndex(es, "it-models");
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        for (Corpus.Document document : Corpus.first(Corpus.sotu(), 3)) {
            bulk.index("it-models", document.id(), Fixtures.source(document));
        }
        Fixtures.assertBulkIndexedAll(es.bulk("/_bulk?refresh=true&pipeline=" + pipeline, bulk), 3);
        JsonNode after = oneModel(MINILM);

        assertTrue(after.path("loaded").asBoolean(), "the model should be loaded after use: " + after);
        JsonNode b = before.path("stats");
        JsonNode a = after.path("stats");
        assertTrue(a.path("inference_calls").asLong() > b.path("inference_calls").asLong(), "inference_calls: " + b + " -> " + a);
        assertTrue(a.path("documents").asLong() >= b.path("documents").asLong() + 3, "documents: " + b + " -> " + a);
        assertTrue(a.path("tokens").asLong() > b.path("tokens").asLong(), "tokens: " + b + " -> " + a);
        assertTrue(a.path("total_latency_ms").asDouble() >= b.path("total_latency_ms").asDouble(), "total_latency_ms: " + b + " -> " + a);
        assertTrue(a.path("mean_latency_ms").asDouble() > 0, "mean_latency_ms after inference: " + a);
    }

    private JsonNode oneModel(String id) {
        JsonRest.Reply reply = es.get("/_longdoc/models/" + id).assertSuccess();
        JsonNode models = reply.at("/models");
        assertEquals(1, models.size(), "one model expected: " + reply);
        assertEquals(id, models.get(0).path("id").asText(), "the model asked for: " + reply);
        return models.get(0);
    }

    @Test
    void theBundledModelsRunTheFusedAttentionKernel() {
        for (String id : List.of(BGE, MINILM)) {
            es.post("/_longdoc/models/" + id + "/_load", null).assertSuccess();
            JsonNode model = oneModel(id);
            assertTrue(model.path("loaded").asBoolean(), id + " should be loaded: " + model);
            assertEquals("fused", model.path("attention").path("kernel").asText(),
                id + " should run the onnx-ops kernel inside Elasticsearch: " + model.path("attention"));
            JsonNode placement = model.path("placement");
            assertEquals("cpu", placement.path("execution_provider").asText(), "the CPU zip under auto: " + placement);
            assertEquals("cpu", placement.path("device").asText(), placement.toString());
            assertEquals("fp32", placement.path("precision").asText(), placement.toString());
            assertEquals("cpu", placement.path("fused_op").asText(), placement.toString());
            assertTrue(placement.path("fallback_reasons").path(0).asText().contains("this is the CPU build of longdoc"), "auto says why not CUDA: " + placement);
        }
    }

    /** The shared node sets no {@code longdoc.models.preload}: it loads the default model at start, in the background. */
    @Test
    void theDefaultModelIsPreloadedAtStart(ElasticsearchNode node) throws InterruptedException {
        JsonNode model = Fixtures.awaitLoadSettled(es, BGE, 300);
        assertEquals("loaded", model.path("state").asText(), "preloaded: " + model);
        String log = node.serverLogText();
        assertTrue(log.contains("preloading models [" + BGE + "] in the background"), "the preload is logged at start");
        assertTrue(log.contains("preloaded model [" + BGE + "] in "), "and its success");
    }

    /** Like any bad setting value, a preload id that names no model of the node stops it at start, saying which. */
    @Test
    void aNodeToldToPreloadAnUnknownModelDoesNotStart() {
        ElasticsearchNode.Builder builder = HarnessConfig.nodeWithPlugin("longdoc-bad-preload").clusterName("longdoc-bad-preload").heap("1g")
            .setting("longdoc.models.preload", List.of(MINILM, "no-such-model"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder.build().start());
        assertTrue(e.getMessage().contains("[longdoc.models.preload] names a model this node cannot load: unknown model [no-such-model]"),
            "the start fails naming the setting and the model: " + e.getMessage());
    }

    @Test
    void anUnknownModelIs404() {
        JsonRest.Reply reply = es.get("/_longdoc/models/no-such-model");
        assertEquals(404, reply.status(), "GET an unknown model: " + reply);
        assertTrue(reply.errorReasons().contains("no-such-model"), "the error should name the model: " + reply.errorReasons());
    }

    /** Path segments as sent; Elasticsearch decodes them to {@code ../x}, {@code A/B} and {@code %2e%2e}. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"..%2Fx", "A%2FB", "%252e%252e"})
    void anInvalidModelIdIs400(String encodedId) {
        JsonRest.Reply reply = es.get("/_longdoc/models/" + encodedId);
        assertEquals(400, reply.status(), "GET model [" + encodedId + "]: " + reply);
        assertTrue(reply.errorReasons().toLowerCase(Locale.ROOT).contains("invalid model id"),
            "the error should say [invalid model id]: " + reply.errorReasons());
    }

    @Test
    void loadingAModelLoadsItOnEveryNodeAndABrokenOneIs400() {
        JsonRest.Reply loaded = es.post("/_longdoc/models/" + MINILM + "/_load", null).assertSuccess();
        assertEquals(1, loaded.at("/_nodes/total").asInt(), "nodes asked: " + loaded);
        assertEquals(1, loaded.at("/_nodes/successful").asInt(), "nodes that loaded it: " + loaded);
        JsonNode node = loaded.at("/nodes").elements().next();
        assertEquals(MINILM, node.path("model_id").asText(), "model_id: " + loaded);
        assertTrue(node.path("loaded").asBoolean() && node.path("took_ms").asLong() >= 0, "per-node answer: " + loaded);
        assertEquals("fused", node.path("attention").asText(), "attention kernel: " + loaded);
        assertTrue(oneModel(MINILM).path("loaded").asBoolean(), "GET shows it loaded");

        JsonRest.Reply broken = es.post("/_longdoc/models/" + LongdocNodeExtension.BROKEN_MODEL + "/_load", null);
        assertEquals(400, broken.status(), "loading a corrupt model: " + broken);
        assertTrue(broken.errorReasons().contains(LongdocNodeExtension.BROKEN_MODEL), "the error names the model: " + broken.errorReasons());
        JsonNode brokenModel = oneModel(LongdocNodeExtension.BROKEN_MODEL);
        assertFalse(brokenModel.path("loaded").asBoolean(), "a broken model stays unloaded");
        assertEquals("failed", brokenModel.path("state").asText(), "GET shows the failed load: " + brokenModel);
        assertTrue(brokenModel.path("failure_reason").asText().startsWith("model [" + LongdocNodeExtension.BROKEN_MODEL + "] could not be loaded"),
            "with its reason: " + brokenModel);
        assertEquals(404, es.post("/_longdoc/models/no-such-model/_load", null).status(), "loading an unknown model");
        assertEquals(400, es.post("/_longdoc/models/..%2Fx/_load", null).status(), "loading a path trick");
        assertEquals(405, es.get("/_longdoc/models/" + MINILM + "/_load").status(), "GET on the load endpoint");
    }
}
