package io.longdoc.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.it.ElasticsearchNode;
import io.longdoc.it.JsonRest;
import io.longdoc.document.SectionVectorCodec;
import io.longdoc.document.StoredSection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Elasticsearch side of the harness, the same node harness the integration tests use: one node with the plugin;
 * each set is ingested through a {@code long_doc} pipeline into a fresh index mapped by the plugin's
 * {@code longdoc-mappings} template; bm25 and longdoc-qa are searches, and the vectors ingest stored are read back
 * for longdoc-doc and longdoc-sections (so the long model encodes each document once, as in production).
 */
final class QualityNode implements AutoCloseable {

    static final String INDEX = "quality";
    static final String PIPELINE = "quality";

    /** What ingest stored for one document. */
    record Stored(float[] embedding, List<StoredSection> sections) {}

    /** A ranking (ids, best first) and the top hit's answer. */
    record Hits(List<String> ids, String answer, int answerStart, int answerEnd) {}

    private final ElasticsearchNode node;
    private final JsonRest es;

    /**
     * @param operatorModel a model folder of the harness (model.json, model.onnx, tokenizer.json) to install as an
     *                      operator model under the node's {@code config/longdoc/models/<modelId>/} and make the node's
     *                      default (the bundled model pinned to one precision); null runs the bundled {@code modelId}
     */
    QualityNode(Path distribution, Path pluginZip, Path work, String modelId, Path operatorModel) {
        this(distribution, pluginZip, work, modelId, operatorModel, null);
    }

    private Map<String, String> qaOptions = Map.of();

    /** @param sectionBreaks the pipeline's {@code section_breaks} ({@code headings}, {@code sentences}); null: the processor's default */
    QualityNode(Path distribution, Path pluginZip, Path work, String modelId, Path operatorModel, String sectionBreaks) {
        ElasticsearchNode.Builder builder = ElasticsearchNode.builder("longdoc-quality")
            .clusterName("longdoc-quality")
            .distribution(distribution)
            .plugin(pluginZip)
            .javaHome(Path.of(System.getProperty("java.home")))
            .workDir(work.resolve("es"))
            .logsDir(work.resolve("es-logs"))
            .startTimeout(Duration.ofMinutes(5));
        if (operatorModel != null) {
            for (String file : List.of("model.json", "model.onnx", "tokenizer.json")) {
                try {
                    builder.withConfigFile("longdoc/models/" + modelId + "/" + file, java.nio.file.Files.readAllBytes(operatorModel.resolve(file)));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            // long_doc_qa encodes the question with the node's default model unless the query names one
            builder.setting("longdoc.default_model", modelId);
        }
        node = builder.build().start();
        es = new JsonRest(node.restClient());
        ObjectNode longDoc = JsonRest.object().put("field", "body").put("model_id", modelId).put("sections", true);
        if (sectionBreaks != null) {
            longDoc.put("section_breaks", sectionBreaks);
        }
        ObjectNode pipeline = JsonRest.object();
        pipeline.putArray("processors").addObject().set("long_doc", longDoc);
        es.put("/_ingest/pipeline/" + PIPELINE, pipeline).assertSuccess();
        for (int i = 0; i < 60 && es.get("/_component_template/longdoc-mappings").status() != 200; i++) {
            sleep(1000);
        }
        es.put("/_index_template/" + INDEX, JsonRest.json("""
            {"index_patterns": ["quality*"], "composed_of": ["longdoc-mappings"],
             "template": {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
                          "mappings": {"properties": {"body": {"type": "text"}}}}}
            """)).assertSuccess();
    }

    /** A fresh index holding {@code documents}, ingested through the pipeline. */
    void ingest(List<EvalSet.Doc> documents, java.util.function.IntConsumer progress) {
        es.delete("/" + INDEX);
        es.put("/" + INDEX, null).assertSuccess();
        for (int from = 0; from < documents.size(); from += 5) {
            JsonRest.Bulk bulk = new JsonRest.Bulk();
            for (EvalSet.Doc doc : documents.subList(from, Math.min(documents.size(), from + 5))) {
                bulk.index(INDEX, doc.id(), JsonRest.object().put("body", doc.text()));
            }
            JsonRest.Reply reply = es.bulk("/_bulk?pipeline=" + PIPELINE, bulk).assertSuccess();
            if (reply.at("/errors").asBoolean()) {
                throw new IllegalStateException("documents failed to ingest: " + reply);
            }
            progress.accept(Math.min(documents.size(), from + 5));
        }
        es.post("/" + INDEX + "/_refresh", null).assertSuccess();
    }

    Map<String, Stored> stored(int documents) {
        ObjectNode search = JsonRest.object();
        search.put("size", documents);
        search.putObject("_source").put("exclude_vectors", false).putArray("includes").add("longdoc.embedding").add("longdoc.section_vectors");
        Map<String, Stored> out = new LinkedHashMap<>();
        for (JsonNode hit : es.post("/" + INDEX + "/_search", search).assertSuccess().at("/hits/hits")) {
            JsonNode longdoc = hit.at("/_source/longdoc");
            float[] embedding = JsonRest.floats(longdoc.path("embedding"));
            byte[] packed = Base64.getDecoder().decode(longdoc.path("section_vectors").asText());
            out.put(hit.path("_id").asText(), new Stored(embedding, SectionVectorCodec.decode(packed, 0, packed.length)));
        }
        return out;
    }

    Hits bm25(String question) {
        return bm25(question, 10);
    }

    Hits bm25(String question, int size) {
        ObjectNode search = JsonRest.object();
        search.put("size", size);
        search.putObject("_source").put("includes", "nothing");
        search.putObject("query").putObject("match").put("body", question);
        return hits(es.post("/" + INDEX + "/_search", search).assertSuccess());
    }

    /**
     * Extra {@code long_doc_qa} options for every question of the run (e.g. {@code score_mode: reader}), to measure a
     * setting beside the defaults; empty: the defaults.
     */
    void qaOptions(Map<String, String> options) {
        qaOptions = Map.copyOf(options);
    }

    Hits longDocQa(String question, int candidates) {
        ObjectNode search = JsonRest.object();
        search.put("size", 10);
        search.putObject("_source").put("includes", "nothing");
        ObjectNode qa = search.putObject("query").putObject("long_doc_qa").put("question", question).put("field", "body").put("candidates", candidates);
        qaOptions.forEach((key, value) -> KeyValues.put(qa, key, value));
        return hits(es.post("/" + INDEX + "/_search", search).assertSuccess());
    }

    private static Hits hits(JsonRest.Reply reply) {
        List<String> ids = new ArrayList<>();
        for (JsonNode hit : reply.at("/hits/hits")) {
            ids.add(hit.path("_id").asText());
        }
        JsonNode answer = reply.at("/hits/hits/0/fields/_longdoc_answers/0");
        return new Hits(ids, answer.isMissingNode() ? null : answer.path("text").asText(), answer.path("start").asInt(-1), answer.path("end").asInt(-1));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        node.close();
    }
}
