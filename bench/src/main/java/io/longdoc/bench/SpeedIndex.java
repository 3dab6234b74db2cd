package io.longdoc.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.it.JsonRest;

/**
 * The pipeline and index the end-to-end steps use: one {@code long_doc} processor reading {@code body} with section
 * vectors on (what {@code long_doc_qa}'s reader needs), and the mapping the README gives for its output plus the
 * packed {@code section_vectors} doc value the query reads.
 */
final class SpeedIndex {

    static final String PIPELINE = "speed-long-doc";
    static final String INDEX = "speed-docs";
    static final String FIELD = "body";

    private SpeedIndex() {}

    /** @param shards the index's primaries: 1 by default, so that earlier tables stay comparable */
    static void create(JsonRest es, String model, int shards) {
        ObjectNode processor = JsonRest.object();
        processor.putObject("long_doc")
            .put("field", FIELD)
            .put("target_field", "longdoc")
            .put("model_id", model)
            .put("sections", true);
        ObjectNode pipeline = JsonRest.object();
        pipeline.put("description", "longdoc speed harness");
        pipeline.putArray("processors").add(processor);
        es.put("/_ingest/pipeline/" + PIPELINE, pipeline).assertSuccess();
        es.delete("/" + INDEX);
        es.put("/" + INDEX, JsonRest.json("""
            {
              "settings": {"number_of_shards": %d, "number_of_replicas": 0, "refresh_interval": "-1"},
              "mappings": {
                "properties": {
                  "body": {"type": "text"},
                  "longdoc": {
                    "properties": {
                      "embedding": {"type": "dense_vector", "dims": 384, "index": true, "similarity": "cosine"},
                      "tokens": {"type": "integer"},
                      "truncated": {"type": "boolean"},
                      "model": {"type": "keyword"},
                      "sections": {"type": "nested", "properties": {
                        "start": {"type": "integer"}, "end": {"type": "integer"},
                        "vector": {"type": "dense_vector", "dims": 384, "similarity": "cosine"}}},
                      "section_vectors": {"type": "binary", "doc_values": true},
                      "summary": {"type": "text"},
                      "summary_embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine"}
                    }
                  }
                }
              }
            }
            """.formatted(shards))).assertSuccess();
    }

    static ObjectNode source(LongDocuments.Document document) {
        ObjectNode source = JsonRest.object();
        source.put(FIELD, document.text());
        return source;
    }
}
