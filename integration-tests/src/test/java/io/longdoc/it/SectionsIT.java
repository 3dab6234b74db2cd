package io.longdoc.it;

import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static io.longdoc.it.Fixtures.DIMS;
import static io.longdoc.it.Fixtures.MINILM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Section vectors and summaries from the one pass over a whole document, stored as nested dense vectors and found
 * again with a nested kNN query: real Python documentation pages with their own structure.
 */
@ExtendWith(LongdocNodeExtension.class)
@Order(15)
class SectionsIT {

    private static final String PIPELINE = "it-sections";
    private static final String INDEX = "it-sections";
    private static final int PAGES = 5;
    private static final int WORDS = 1500;

    @Test
    void pagesGetOrderedSectionVectorsAndASummaryTheNestedKnnCanSearch(JsonRest es) {
        Fixtures.createPipeline(es, PIPELINE, Fixtures.longDoc("text", MINILM).put("sections", true));
        es.delete("/" + INDEX);
        es.put("/" + INDEX, JsonRest.json("""
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {
               "title": {"type": "keyword"}, "text": {"type": "text"},
               "longdoc": {"properties": {
                 "embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                 "tokens": {"type": "integer"}, "truncated": {"type": "boolean"}, "model": {"type": "keyword"},
                 "summary": {"type": "text"},
                 "summary_embedding": {"type": "dense_vector", "dims": 384, "similarity": "cosine"},
                 "sections": {"type": "nested", "properties": {
                   "start": {"type": "integer"}, "end": {"type": "integer"},
                   "vector": {"type": "dense_vector", "dims": 384, "similarity": "cosine",
                              "index_options": {"type": "hnsw"}}}}}}}}}
            """)).assertSuccess();
        List<Corpus.Document> pages = Corpus.first(Corpus.pydocs(), PAGES).stream().map(d -> d.opening(WORDS)).toList();
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        for (Corpus.Document page : pages) {
            bulk.index(INDEX, page.id(), Fixtures.source(page));
        }
        Fixtures.assertBulkIndexedAll(es.bulk("/_bulk?pipeline=" + PIPELINE + "&refresh=true", bulk), PAGES);

        Map<String, JsonNode> indexed = Fixtures.sources(es, INDEX, PAGES);
        for (Corpus.Document page : pages) {
            JsonNode longdoc = indexed.get(page.id()).path("longdoc");
            JsonNode sections = longdoc.path("sections");
            int tokens = longdoc.path("tokens").asInt();
            assertTrue(sections.size() >= tokens / 128, page.id() + ": " + sections.size() + " sections for " + tokens + " tokens");
            int previousEnd = 0;
            for (JsonNode section : sections) {
                int start = section.path("start").asInt();
                int end = section.path("end").asInt();
                assertTrue(start >= previousEnd && end > start && end <= page.text().length(), page.id() + ": span " + start + ".." + end);
                assertEquals(DIMS, section.path("vector").size());
                assertEquals(1.0, JsonRest.l2Norm(JsonRest.floats(section.get("vector"))), 1e-3);
                previousEnd = end;
            }
            String summary = longdoc.path("summary").asText();
            assertTrue(summary.length() > 100 && page.text().contains(summary.split("\n")[0]), page.id() + " summary: " + summary);
        }

        // A section's own vector finds its page through the nested kNN, with the section as the inner hit.
        Corpus.Document target = pages.get(2);
        JsonNode section = indexed.get(target.id()).path("longdoc").path("sections").get(1);
        ObjectNode search = JsonRest.object();
        ObjectNode knn = search.putObject("knn");
        knn.put("field", "longdoc.sections.vector");
        knn.set("query_vector", section.get("vector"));
        knn.put("k", 3);
        knn.put("num_candidates", 50);
        knn.putObject("inner_hits").put("size", 1).put("_source", false);
        search.put("_source", false);
        JsonRest.Reply reply = es.post("/" + INDEX + "/_search", search).assertSuccess();
        assertEquals(target.id(), reply.at("/hits/hits/0/_id").asText(), "top hit: " + reply.raw());
        assertEquals(1, reply.at("/hits/hits/0/inner_hits/longdoc.sections/hits/hits/0/_nested/offset").asInt(-1),
            "the inner hit is the section itself (offset 1 in the page's sections): " + reply.raw());
    }
}
