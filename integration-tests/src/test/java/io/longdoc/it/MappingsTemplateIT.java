package io.longdoc.it;

import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static io.longdoc.it.Fixtures.DIMS;
import static io.longdoc.it.Fixtures.MINILM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The component template {@code longdoc-mappings} the plugin installs: a user composes it into an index template,
 * creates an index from it, and the processor's output — a title read as global tokens included — lands in
 * the mapped fields and is found by kNN, without a hand-written mapping.
 */
@ExtendWith(LongdocNodeExtension.class)
@Order(12)
class MappingsTemplateIT {

    private static final String TEMPLATE = "longdoc-mappings";
    private static final String INDEX_TEMPLATE = "it-longdoc-docs";
    private static final String INDEX = "it-longdoc-docs-1";
    private static final String PIPELINE = "it-template";

    @Test
    void thePluginInstallsTheComponentTemplate(JsonRest es, ElasticsearchNode node) {
        JsonNode template = awaitTemplate(es);
        JsonNode longdoc = template.at("/component_template/template/mappings/properties/longdoc/properties");
        assertEquals("dense_vector", longdoc.at("/embedding/type").asText(), template.toString());
        assertEquals(DIMS, longdoc.at("/embedding/dims").asInt());
        assertEquals("nested", longdoc.at("/sections/type").asText());
        assertEquals("binary", longdoc.at("/section_vectors/type").asText());
        assertEquals("longdoc", template.at("/component_template/_meta/managed_by").asText());
        assertTrue(node.serverLogText().contains("installed component template [" + TEMPLATE + "]"), "installed by the plugin, as its log says");
    }

    @Test
    void anIndexComposedOfItTakesTheProcessorsOutput(JsonRest es) {
        awaitTemplate(es);
        es.delete("/" + INDEX);
        es.put("/_index_template/" + INDEX_TEMPLATE, JsonRest.json("""
            {"index_patterns": ["it-longdoc-docs-*"], "composed_of": ["longdoc-mappings"],
             "template": {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
                          "mappings": {"properties": {"title": {"type": "text"}, "text": {"type": "text"}}}}}
            """)).assertSuccess();
        es.put("/" + INDEX, null).assertSuccess();
        JsonNode mapping = es.get("/" + INDEX + "/_mapping").assertSuccess().at("/" + INDEX + "/mappings/properties/longdoc/properties");
        assertEquals("dense_vector", mapping.at("/embedding/type").asText(), mapping.toString());
        assertEquals(DIMS, mapping.at("/embedding/dims").asInt());
        assertEquals(DIMS, mapping.at("/sections/properties/vector/dims").asInt());

        ObjectNode options = Fixtures.longDoc("text", MINILM).put("sections", true);
        options.putArray("global_fields").add("title");
        Fixtures.createPipeline(es, PIPELINE, options);
        List<Corpus.Document> addresses = Corpus.first(Corpus.sotu(), 3).stream().map(d -> d.opening(400)).toList();
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        for (Corpus.Document address : addresses) {
            bulk.index(INDEX, address.id(), Fixtures.source(address));
        }
        Fixtures.assertBulkIndexedAll(es.bulk("/_bulk?pipeline=" + PIPELINE + "&refresh=true", bulk), addresses.size());

        Corpus.Document target = addresses.get(1);
        JsonNode indexed = Fixtures.source(es, INDEX, target.id()).path("longdoc");
        assertEquals(DIMS, indexed.path("embedding").size());
        JsonNode firstSection = indexed.path("sections").get(0);
        int start = firstSection.path("start").asInt();
        assertTrue(start >= 0 && firstSection.path("end").asInt() <= target.text().length(), "sections are offsets into the text, not the title: " + firstSection);

        ObjectNode search = JsonRest.object();
        ObjectNode knn = search.putObject("knn");
        knn.put("field", "longdoc.embedding");
        knn.set("query_vector", indexed.path("embedding"));
        knn.put("k", 1);
        knn.put("num_candidates", 10);
        search.put("_source", false);
        JsonRest.Reply reply = es.post("/" + INDEX + "/_search", search).assertSuccess();
        assertEquals(target.id(), reply.at("/hits/hits/0/_id").asText(), reply.raw());
    }

    /** The install runs once the node has recovered its state: poll for it rather than racing the node's start. */
    private static JsonNode awaitTemplate(JsonRest es) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonRest.Reply reply = es.get("/_component_template/" + TEMPLATE);
        while (reply.status() == 404 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
            reply = es.get("/_component_template/" + TEMPLATE);
        }
        reply.assertSuccess();
        JsonNode templates = reply.at("/component_templates");
        assertEquals(1, templates.size(), reply.raw());
        assertEquals(TEMPLATE, templates.get(0).path("name").asText());
        return templates.get(0);
    }
}
