package io.longdoc.it;

import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/** Pipelines, indices and calls the integration tests share; each names the plugin's contract. */
final class Fixtures {

    static final String MINILM = "all-minilm-l6-v2";
    static final String BGE = "bge-small-en-v1.5";
    static final int DIMS = 384;
    /** What the bundled (longified) models read in one pass. */
    static final int MAX_TOKENS = 16384;

    private Fixtures() {}

    /**
     * An operator model folder {@code config/longdoc/models/<id>/} holding {@code spec} and the ONNX file and tokenizer
     * of the bundled model {@code bundled}: the same weights under another id and spec.
     */
    static ElasticsearchNode.Builder withOperatorCopy(ElasticsearchNode.Builder builder, String id, String spec, String bundled) {
        String folder = "longdoc/models/" + id + "/";
        return builder.withConfigFile(folder + "model.json", spec.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .withConfigFileCopiedFrom(folder + "model.onnx", "plugins/longdoc/models/" + bundled + "/model.onnx")
            .withConfigFileCopiedFrom(folder + "tokenizer.json", "plugins/longdoc/models/" + bundled + "/tokenizer.json");
    }

    /** The options of a {@code long_doc} processor writing to {@code longdoc}. */
    static ObjectNode longDoc(String field, String modelId) {
        ObjectNode options = JsonRest.object();
        options.put("field", field);
        options.put("target_field", "longdoc");
        if (modelId != null) {
            options.put("model_id", modelId);
        }
        return options;
    }

    /** {@code {"processors":[{"long_doc": options}]}} */
    static ObjectNode pipelineBody(ObjectNode longDocOptions) {
        ObjectNode body = JsonRest.object();
        body.put("description", "longdoc integration test");
        body.putArray("processors").addObject().set("long_doc", longDocOptions);
        return body;
    }

    static JsonRest.Reply putPipeline(JsonRest es, String id, ObjectNode longDocOptions) {
        return es.put("/_ingest/pipeline/" + id, pipelineBody(longDocOptions));
    }

    static void createPipeline(JsonRest es, String id, ObjectNode longDocOptions) {
        putPipeline(es, id, longDocOptions).assertSuccess();
    }

    /** A fresh index mapped for the processor's output, one shard, no replica. */
    static void createIndex(JsonRest es, String index) {
        es.delete("/" + index);
        es.put("/" + index, JsonRest.json("""
            {
              "settings": {"number_of_shards": 1, "number_of_replicas": 0},
              "mappings": {
                "properties": {
                  "title": {"type": "keyword"},
                  "text": {"type": "text"},
                  "longdoc": {
                    "properties": {
                      "embedding": {"type": "dense_vector", "dims": 384, "index": true, "similarity": "cosine",
                                    "index_options": {"type": "hnsw"}},
                      "tokens": {"type": "integer"},
                      "truncated": {"type": "boolean"},
                      "model": {"type": "keyword"}
                    }
                  }
                }
              }
            }
            """)).assertSuccess();
    }

    /**
     * A fresh index for {@code long_doc_qa}: the text in {@code body}, the processor's embedding, nested sections and
     * their packed copy ({@code section_vectors}, binary doc values) that the reader reads.
     */
    static void createQaIndex(JsonRest es, String index, int shards) {
        createQaIndex(es, index, shards, 0);
    }

    /** The same with {@code replicas} copies of each shard, and a {@code phase} keyword for tests that tag documents. */
    static void createQaIndex(JsonRest es, String index, int shards, int replicas) {
        es.delete("/" + index);
        es.put("/" + index, JsonRest.json("""
            {"settings": {"number_of_shards": %d, "number_of_replicas": %d},
             "mappings": {"properties": {
               "title": {"type": "text"}, "body": {"type": "text"}, "phase": {"type": "keyword"},
               "longdoc": {"properties": {
                 "embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine", "index_options": {"type": "hnsw"}},
                 "section_vectors": {"type": "binary", "doc_values": true},
                 "sections": {"type": "nested", "properties": {"start": {"type": "integer"}, "end": {"type": "integer"},
                   "vector": {"type": "dense_vector", "dims": 384, "similarity": "cosine", "index_options": {"type": "hnsw"}}}},
                 "summary": {"type": "text"},
                 "summary_embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine", "index_options": {"type": "hnsw"}},
                 "tokens": {"type": "integer"}, "truncated": {"type": "boolean"}, "model": {"type": "keyword"}}}}}}
            """.formatted(shards, replicas))).assertSuccess();
    }

    /** A bulk indexing each document under the id in its {@code id} field. */
    static JsonRest.Bulk bulkOf(String index, java.util.List<ObjectNode> documents) {
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        for (ObjectNode document : documents) {
            bulk.index(index, document.path("id").asText(), document);
        }
        return bulk;
    }

    /** A corpus document as indexed: {@code title} and {@code text}. */
    static ObjectNode source(Corpus.Document document) {
        ObjectNode source = JsonRest.object();
        source.put("title", document.title());
        source.put("text", document.text());
        return source;
    }

    /** Runs {@code text} (in field {@code text}) through a stored pipeline; returns the {@code longdoc} object. */
    static JsonNode simulate(JsonRest es, String pipeline, String text) {
        ObjectNode body = JsonRest.object();
        body.putArray("docs").addObject().putObject("_source").put("text", text);
        return longDocOf(es.post("/_ingest/pipeline/" + pipeline + "/_simulate", body).assertSuccess());
    }

    /** Runs {@code text} through an inline pipeline of one {@code long_doc} processor. */
    static JsonNode simulateInline(JsonRest es, ObjectNode longDocOptions, String text) {
        ObjectNode body = JsonRest.object();
        body.set("pipeline", pipelineBody(longDocOptions));
        body.putArray("docs").addObject().putObject("_source").put("text", text);
        return longDocOf(es.post("/_ingest/pipeline/_simulate", body).assertSuccess());
    }

    private static JsonNode longDocOf(JsonRest.Reply reply) {
        JsonNode doc = reply.at("/docs/0");
        if (doc.has("error")) {
            fail("the pipeline failed the document: " + JsonRest.reasonsOf(doc.get("error")));
        }
        JsonNode longdoc = doc.at("/doc/_source/longdoc");
        if (!longdoc.isObject()) {
            fail("no longdoc object in the simulated document: " + reply);
        }
        return longdoc;
    }

    /** Fails unless every item of a bulk answer was indexed; the message lists the failures. */
    static void assertBulkIndexedAll(JsonRest.Reply reply, int expectedItems) {
        reply.assertSuccess();
        JsonNode items = reply.at("/items");
        assertEquals(expectedItems, items.size(), "bulk items");
        if (reply.at("/errors").asBoolean()) {
            StringBuilder failures = new StringBuilder();
            for (JsonNode item : items) {
                JsonNode index = item.path("index");
                if (index.has("error")) {
                    failures.append("\n  ").append(index.path("_id").asText()).append(": ").append(index.path("status").asInt())
                        .append(' ').append(JsonRest.reasonsOf(index.get("error")));
                }
            }
            fail("bulk had failed items:" + failures);
        }
        assertFalse(reply.at("/errors").asBoolean());
    }

    /**
     * {@code _id} to {@code _source} of up to {@code size} documents of an index, vectors included:
     * Elasticsearch 9.2 leaves {@code dense_vector} values out of {@code _source} unless asked.
     */
    static Map<String, JsonNode> sources(JsonRest es, String index, int size) {
        ObjectNode query = JsonRest.object();
        query.putObject("match_all");
        return search(es, index, query, size);
    }

    /** The {@code _source} of one document, vectors included; fails if it is not there. */
    static JsonNode source(JsonRest es, String index, String id) {
        ObjectNode query = JsonRest.object();
        query.putObject("ids").putArray("values").add(id);
        Map<String, JsonNode> found = search(es, index, query, 1);
        if (!found.containsKey(id)) {
            fail("document [" + id + "] not found in [" + index + "]");
        }
        return found.get(id);
    }

    private static Map<String, JsonNode> search(JsonRest es, String index, JsonNode query, int size) {
        ObjectNode body = JsonRest.object();
        body.put("size", size);
        body.set("query", query);
        body.putObject("_source").put("exclude_vectors", false);
        JsonRest.Reply reply = es.post("/" + index + "/_search", body).assertSuccess();
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode hit : reply.at("/hits/hits")) {
            out.put(hit.path("_id").asText(), hit.path("_source"));
        }
        return out;
    }

    /** Documents of an index matching a query. */
    static long count(JsonRest es, String index, JsonNode query) {
        ObjectNode body = JsonRest.object();
        if (query != null) {
            body.set("query", query);
        }
        return es.post("/" + index + "/_count", body).assertSuccess().at("/count").asLong();
    }

    static JsonNode existsQuery(String field) {
        ObjectNode query = JsonRest.object();
        query.putObject("exists").put("field", field);
        return query;
    }

    /** No models loaded at node start ({@code longdoc.models.preload: []}): for tests that load ONNX Runtime or a model themselves. */
    static ElasticsearchNode.Builder withoutPreload(ElasticsearchNode.Builder builder) {
        return builder.setting("longdoc.models.preload", java.util.List.of());
    }

    /** {@code GET _longdoc/models/<id>} once the model's {@code state} is no longer {@code loading} (at most {@code seconds}). */
    static JsonNode awaitLoadSettled(JsonRest es, String id, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            JsonNode model = es.get("/_longdoc/models/" + id).assertSuccess().at("/models/0");
            if ("loading".equals(model.path("state").asText()) == false || System.nanoTime() > deadline) {
                return model;
            }
            Thread.sleep(200);
        }
    }
}
