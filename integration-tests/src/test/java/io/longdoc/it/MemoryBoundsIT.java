package io.longdoc.it;

import io.longdoc.corpus.Texts;
import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Iterator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A document of a million tokens and one of 16k arriving in one bulk: the node reads the first 16,384 tokens of the
 * big one (flagged truncated) or, under {@code max_tokens: error}, rejects it with a 400, indexes the other, and stays
 * up — memory never follows the text's length past the model's limit.
 */
@ExtendWith(LongdocNodeExtension.class)
@Order(28)
class MemoryBoundsIT {

    static final String INDEX = "it-memory-bounds";

    @Test
    void aMillionTokenDocumentBesideA16kOneNeitherTakesTheNodeDownNorLosesADocument(JsonRest es) {
        StringBuilder huge = new StringBuilder();
        try (var addresses = Corpus.stream(Corpus.sotu())) {
            Iterator<Corpus.Document> it = addresses.iterator();
            while (huge.length() < 5_200_000 && it.hasNext()) {
                huge.append(it.next().text()).append("\n\n");
            }
        }
        String big = huge.toString();
        String normal = Texts.firstWords(big.substring(big.length() / 2), 12_000);
        Fixtures.createPipeline(es, "it-memory-truncate", Fixtures.longDoc("body", null));
        Fixtures.createPipeline(es, "it-memory-error", Fixtures.longDoc("body", null).put("max_tokens", "error"));
        Fixtures.createQaIndex(es, INDEX, 1);

        JsonRest.Bulk truncating = new JsonRest.Bulk();
        truncating.index(INDEX, "million", body(big));
        truncating.index(INDEX, "normal", body(normal));
        long start = System.nanoTime();
        Fixtures.assertBulkIndexedAll(es.bulk("/_bulk?pipeline=it-memory-truncate&refresh=true", truncating), 2);
        JsonNode million = Fixtures.source(es, INDEX, "million").path("longdoc");
        System.out.printf("MEMORY: %d chars = %d tokens and a %d-token document indexed in one bulk in %.1f s%n", big.length(),
            million.path("tokens").asInt(), Fixtures.source(es, INDEX, "normal").path("longdoc").path("tokens").asInt(), (System.nanoTime() - start) / 1e9);
        assertTrue(million.path("tokens").asInt() >= 1_000_000, "a million tokens: " + million.path("tokens"));
        assertTrue(million.path("truncated").asBoolean(), "read up to the model's limit and flagged");
        assertEquals(384, million.path("embedding").size());

        JsonRest.Bulk strict = new JsonRest.Bulk();
        strict.index(INDEX, "million-strict", body(big));
        strict.index(INDEX, "normal-strict", body(normal));
        JsonRest.Reply reply = es.bulk("/_bulk?pipeline=it-memory-error&refresh=true", strict).assertSuccess();
        JsonNode items = reply.at("/items");
        assertEquals(400, items.path(0).at("/index/status").asInt(), "the million-token document is refused: " + items.path(0));
        assertTrue(items.path(0).at("/index/error/reason").asText().contains("[max_tokens] is [error]"), items.path(0).toString());
        assertEquals(201, items.path(1).at("/index/status").asInt(), "the other document of the bulk is indexed: " + items.path(1));

        JsonNode health = es.get("/_cluster/health").assertSuccess().body();
        assertEquals(1, health.path("number_of_nodes").asInt(), "the node is still up");
        assertEquals(3, es.get("/" + INDEX + "/_count").assertSuccess().at("/count").asInt());
    }

    private static ObjectNode body(String text) {
        ObjectNode source = JsonRest.object();
        source.put("body", text);
        return source;
    }
}
