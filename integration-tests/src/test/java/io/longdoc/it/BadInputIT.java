package io.longdoc.it;

import io.longdoc.corpus.Texts;
import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Locale;

import static io.longdoc.it.Fixtures.MINILM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad documents and bad pipelines get a 4xx that says what is wrong, and never take the node
 * down or fail their neighbours in a bulk.
 */
@ExtendWith(LongdocNodeExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Order(30)
class BadInputIT {

    /** A field name that appears in no index, pipeline or processor name, so a message naming it is about it. */
    private static final String FIELD = "speech_body";
    private static final String STRICT = "it-bad-strict";
    private static final String LENIENT = "it-bad-lenient";
    private static final String LIMITED = "it-bad-limited";
    private static final String INDEX = "it-bad";

    private final JsonRest es;
    private String longText;
    private String shortText;

    BadInputIT(JsonRest es) {
        this.es = es;
    }

    @BeforeAll
    void pipelines() {
        Fixtures.createPipeline(es, STRICT, Fixtures.longDoc(FIELD, MINILM));
        Fixtures.createPipeline(es, LENIENT, Fixtures.longDoc(FIELD, MINILM).put("ignore_missing", true));
        Fixtures.createPipeline(es, LIMITED, Fixtures.longDoc(FIELD, MINILM).put("max_tokens", "error"));
        es.delete("/" + INDEX);
        es.put("/" + INDEX, JsonRest.json("{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}")).assertSuccess();
        // the longest address: more tokens than the bundled models read in one pass (16,384)
        Corpus.Document address = Corpus.stream(Corpus.sotu()).max(java.util.Comparator.comparingInt(d -> d.text().length())).orElseThrow();
        longText = address.text();
        shortText = Texts.firstWords(address.text(), 60);
    }

    private JsonRest.Reply index(String pipeline, ObjectNode source) {
        return es.post("/" + INDEX + "/_doc?refresh=true&pipeline=" + pipeline, source);
    }

    private static ObjectNode doc(String jsonValueOfField) {
        ObjectNode source = JsonRest.object();
        source.put("title", "bad input");
        if (jsonValueOfField != null) {
            source.set(FIELD, JsonRest.json(jsonValueOfField));
        }
        return source;
    }

    private static ObjectNode textDoc(String text) {
        return JsonRest.object().put("title", "bad input").put(FIELD, text);
    }

    private static void assertClientError(JsonRest.Reply reply, String mustMention) {
        assertTrue(reply.status() >= 400 && reply.status() < 500, "expected a 4xx, got " + reply);
        assertTrue(reply.errorReasons().contains(mustMention),
            "the error should name [" + mustMention + "]: " + reply.errorReasons());
    }

    @Test
    void aDocumentWithoutTheFieldIsRejectedNamingTheField() {
        assertClientError(index(STRICT, doc(null)), FIELD);
    }

    @Test
    void withIgnoreMissingADocumentWithoutTheFieldIsIndexedWithoutEmbedding() {
        JsonRest.Reply reply = index(LENIENT, doc(null)).assertSuccess();
        JsonNode source = Fixtures.source(es, INDEX, reply.at("/_id").asText());
        assertEquals("bad input", source.path("title").asText(), "the document as indexed: " + source);
        assertFalse(source.has("longdoc"), "no longdoc object expected: " + source);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"42", "{\"nested\": \"object\"}", "[\"an\", \"array\"]", "true"})
    void aValueThatIsNotAStringIsRejectedNamingTheField(String value) {
        assertClientError(index(STRICT, doc(value)), FIELD);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", " ", " \n\t  "})
    void anEmptyOrBlankTextIsRejectedNamingTheField(String text) {
        assertClientError(index(STRICT, textDoc(text)), FIELD);
    }

    @Test
    void withMaxTokensErrorATextOverTheLimitIsRejected() {
        JsonRest.Reply reply = index(LIMITED, textDoc(longText));
        assertTrue(reply.status() >= 400 && reply.status() < 500, "expected a 4xx, got " + reply);
        String reasons = reply.errorReasons();
        assertTrue(reasons.contains(FIELD) || reasons.contains("16384"), "the error should name the field or the limit: " + reasons);
    }

    @Test
    void withMaxTokensErrorATextWithinTheLimitIsIndexed() {
        index(LIMITED, textDoc(shortText)).assertSuccess();
    }

    @Test
    void withTheDefaultMaxTokensTheSameLongTextIsIndexedTruncated() {
        JsonRest.Reply reply = index(STRICT, textDoc(longText)).assertSuccess();
        JsonNode longdoc = Fixtures.source(es, INDEX, reply.at("/_id").asText()).path("longdoc");
        assertTrue(longdoc.path("truncated").asBoolean(), "truncated expected: " + longdoc);
    }

    @Test
    void aPipelineWithAnUnknownModelIsRejectedNamingTheModel() {
        JsonRest.Reply reply = Fixtures.putPipeline(es, "it-bad-unknown-model", Fixtures.longDoc(FIELD, "no-such-model"));
        assertEquals(400, reply.status(), "PUT pipeline with an unknown model: " + reply);
        assertTrue(reply.errorReasons().contains("no-such-model"), "the error should name the model: " + reply.errorReasons());
        assertEquals(404, es.get("/_ingest/pipeline/it-bad-unknown-model").status(), "the pipeline should not have been stored");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"../x", "A/B", "%2e%2e", "/etc/passwd", "..%2f..%2fetc", "C:\\models\\x", "model\u0000id"})
    void aPipelineWithAnInvalidModelIdIsRejected(String modelId) {
        JsonRest.Reply reply = Fixtures.putPipeline(es, "it-bad-invalid-model", Fixtures.longDoc(FIELD, modelId));
        assertEquals(400, reply.status(), "PUT pipeline with model_id [" + modelId + "]: " + reply);
        assertTrue(reply.errorReasons().toLowerCase(Locale.ROOT).contains("invalid model id"),
            "the error should say [invalid model id]: " + reply.errorReasons());
    }

    @Test
    void aCorruptOperatorModelFailsTheDocumentNotTheNode(ElasticsearchNode node) {
        String broken = LongdocNodeExtension.BROKEN_MODEL;
        Fixtures.createPipeline(es, "it-bad-broken-model", Fixtures.longDoc(FIELD, broken));

        assertClientError(index("it-bad-broken-model", textDoc(shortText)), broken);
        // a second try fails the same way: no half-loaded model left behind
        assertClientError(index("it-bad-broken-model", textDoc(shortText)), broken);

        assertTrue(node.isRunning(), "the node process should still run");
        es.get("/_cluster/health?wait_for_status=yellow&timeout=10s").assertSuccess();
        JsonRest.Reply good = index(STRICT, textDoc(shortText)).assertSuccess();
        JsonNode longdoc = Fixtures.source(es, INDEX, good.at("/_id").asText()).path("longdoc");
        assertEquals(Fixtures.DIMS, longdoc.path("embedding").size(), "a good pipeline still embeds: " + longdoc);
    }

    @Test
    void theErrorOfACorruptModelShowsNoFilesystemPath(ElasticsearchNode node) {
        Fixtures.createPipeline(es, "it-bad-broken-model", Fixtures.longDoc(FIELD, LongdocNodeExtension.BROKEN_MODEL));
        JsonRest.Reply reply = index("it-bad-broken-model", textDoc(shortText));
        assertClientError(reply, LongdocNodeExtension.BROKEN_MODEL);
        for (String path : List.of(node.home().toString(), node.configDir().toString())) {
            assertFalse(reply.raw().contains(path), "the error shows the node's path [" + path + "]: " + reply.errorReasons());
        }
    }

    @Test
    void aVeryLongModelIdIsRejectedNamingTheProblem() {
        JsonRest.Reply reply = Fixtures.putPipeline(es, "it-bad-long-id", Fixtures.longDoc(FIELD, "m".repeat(10_000)));
        assertEquals(400, reply.status(), reply.toString());
        assertTrue(reply.errorReasons().toLowerCase(Locale.ROOT).contains("model"), reply.errorReasons());
    }

    @ParameterizedTest
    @ValueSource(strings = {LongdocNodeExtension.TRUNCATED_WEIGHTS_MODEL, LongdocNodeExtension.WRONG_DIMS_MODEL, LongdocNodeExtension.MISSING_FILE_MODEL})
    void aModelWhoseFilesDoNotMatchItsSpecFailsItsDocumentsNotTheNode(String modelId, ElasticsearchNode node) {
        Fixtures.createPipeline(es, "it-bad-" + modelId, Fixtures.longDoc(FIELD, modelId));
        JsonRest.Reply reply = index("it-bad-" + modelId, textDoc(shortText));
        assertClientError(reply, modelId);
        System.out.println("BAD INPUT: model [" + modelId + "] -> " + reply.status() + " " + reply.errorReasons());
        assertFalse(reply.raw().contains(node.configDir().toString()), "no filesystem path in the error: " + reply.errorReasons());
        assertTrue(node.isRunning(), "the node process should still run");
        index(STRICT, textDoc(shortText)).assertSuccess();
    }

    @Test
    void loneSurrogatesAreEncodedOrRejectedButNeverCrashTheNode(ElasticsearchNode node) {
        // a JSON string with unpaired UTF-16 surrogates (legal JSON escapes, not valid Unicode)
        String body = "{\"title\": \"bad input\", \"" + FIELD + "\": \"broken \\ud800 text \\udc00 here and \\ud83d alone\"}";
        JsonRest.Reply reply = es.post("/" + INDEX + "/_doc?refresh=true&pipeline=" + STRICT, body);
        System.out.println("BAD INPUT: lone surrogates -> " + reply.status() + " " + reply.errorReasons());
        assertTrue(reply.isSuccess() || (reply.status() >= 400 && reply.status() < 500), "indexed or a 4xx: " + reply);
        if (reply.isSuccess()) {
            JsonNode longdoc = Fixtures.source(es, INDEX, reply.at("/_id").asText()).path("longdoc");
            assertEquals(Fixtures.DIMS, longdoc.path("embedding").size(), "indexed with an embedding: " + longdoc);
        }
        assertTrue(node.isRunning(), "the node process should still run");
        index(STRICT, textDoc(shortText)).assertSuccess();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 20})
    void megabytesOfTextAreReadUpToTheModelsLimit(int megabytes) {
        StringBuilder text = new StringBuilder(megabytes << 20);
        while (text.length() < megabytes << 20) {
            text.append(longText).append("\n\n");
        }
        text.setLength(megabytes << 20);
        long start = System.nanoTime();
        JsonRest.Reply reply = index(STRICT, textDoc(text.toString())).assertSuccess();
        ObjectNode search = JsonRest.object();
        search.putObject("query").putObject("ids").putArray("values").add(reply.at("/_id").asText());
        search.putObject("_source").put("exclude_vectors", false).putArray("includes").add("longdoc");
        JsonNode longdoc = es.post("/" + INDEX + "/_search", search).assertSuccess().at("/hits/hits/0/_source/longdoc");
        System.out.printf("BAD INPUT: %d MB of text -> %d tokens, truncated=%s, in %.1f s%n", megabytes, longdoc.path("tokens").asInt(),
            longdoc.path("truncated").asBoolean(), (System.nanoTime() - start) / 1e9);
        assertTrue(longdoc.path("truncated").asBoolean(), "flagged truncated");
        assertEquals(Fixtures.DIMS, longdoc.path("embedding").size());
        JsonRest.Reply refused = index(LIMITED, textDoc(text.toString()));
        assertClientError(refused, "[max_tokens] is [error]");
    }

    @Test
    void inABulkEachBadDocumentFailsAloneAndTheGoodOnesAreIndexed() {
        String index = "it-bad-bulk";
        Fixtures.createIndex(es, index);
        JsonRest.Bulk bulk = new JsonRest.Bulk()
            .index(index, "good-1", textDoc(shortText))
            .index(index, "missing", doc(null))
            .index(index, "good-2", textDoc(Texts.firstWords(longText, 30)))
            .index(index, "number", doc("42"))
            .index(index, "good-3", textDoc(longText))
            .index(index, "blank", textDoc("   "))
            .index(index, "null", doc("null"))
            .index(index, "array", doc("[\"two\", \"texts\"]"));
        JsonRest.Reply reply = es.bulk("/_bulk?refresh=true&pipeline=" + STRICT, bulk).assertSuccess();
        assertTrue(reply.at("/errors").asBoolean(), "the bulk should report errors: " + reply);

        List<String> good = List.of("good-1", "good-2", "good-3");
        for (JsonNode item : reply.at("/items")) {
            JsonNode result = item.path("index");
            String id = result.path("_id").asText();
            int status = result.path("status").asInt();
            if (good.contains(id)) {
                assertEquals(201, status, id + " should be indexed: " + result);
            } else {
                assertTrue(status >= 400 && status < 500, id + " should fail with a 4xx: " + result);
                String reasons = JsonRest.reasonsOf(result.path("error"));
                assertTrue(reasons.contains(FIELD), id + ": the error should name [" + FIELD + "]: " + reasons);
            }
        }
        assertEquals(8, reply.at("/items").size(), "bulk items");
        assertEquals(good.size(), Fixtures.count(es, index, null), "documents indexed");
        assertEquals(good.size(), Fixtures.count(es, index, Fixtures.existsQuery("longdoc.embedding")), "documents with an embedding");
    }
}
