package io.longdoc.it;

import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.longdoc.it.Fixtures.MAX_TOKENS;
import static io.longdoc.it.Fixtures.MINILM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 200 full-length addresses in one {@code _bulk} through the MiniLM pipeline: all indexed, and how fast. */
@ExtendWith(LongdocNodeExtension.class)
@Order(20)
class BulkIngestIT {

    private static final String PIPELINE = "it-bulk-minilm";
    private static final String INDEX = "it-bulk";
    private static final int DOCUMENTS = 200;
    /** Each address cut to its opening (≈500 tokens), so 200 of them encode in well under a minute here. */
    private static final int WORDS = 400;

    @Test
    void twoHundredAddressesAreIndexedWithEmbeddings(JsonRest es, ElasticsearchNode node) {
        Fixtures.createPipeline(es, PIPELINE, Fixtures.longDoc("text", MINILM));
        Fixtures.createIndex(es, INDEX);
        List<Corpus.Document> documents = Corpus.first(Corpus.sotu(), DOCUMENTS).stream().map(d -> d.opening(WORDS)).toList();
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        for (Corpus.Document document : documents) {
            bulk.index(INDEX, document.id(), Fixtures.source(document));
        }

        long start = System.nanoTime();
        JsonRest.Reply reply = es.bulk("/_bulk?pipeline=" + PIPELINE, bulk);
        double seconds = (System.nanoTime() - start) / 1e9;

        Fixtures.assertBulkIndexedAll(reply, DOCUMENTS);
        es.post("/" + INDEX + "/_refresh", null).assertSuccess();
        assertEquals(DOCUMENTS, Fixtures.count(es, INDEX, null), "documents in the index");
        assertEquals(DOCUMENTS, Fixtures.count(es, INDEX, Fixtures.existsQuery("longdoc.embedding")), "documents with an embedding");

        Map<String, JsonNode> indexed = Fixtures.sources(es, INDEX, DOCUMENTS);
        long textTokens = 0;
        long encodedTokens = 0;
        for (Corpus.Document document : documents) {
            JsonNode longdoc = indexed.get(document.id()).path("longdoc");
            int tokens = longdoc.path("tokens").asInt(-1);
            assertTrue(tokens > 0, document.id() + ": tokens " + tokens);
            assertEquals(MINILM, longdoc.path("model").asText(), "model of " + document.id());
            textTokens += tokens;
            encodedTokens += Math.min(tokens, MAX_TOKENS);
        }
        assertTrue(textTokens >= 0.9 * DOCUMENTS * WORDS, "every word counted: " + textTokens + " tokens in all");

        System.out.println(String.format(Locale.ROOT,
            "BULK: %d docs in %.2f s = %.2f docs/s, %.0f tokens/s of text (%d tokens), %.0f encoded tokens/s "
                + "(%d tokens, at most %d a doc) (model %s, one _bulk, node heap 2g); node started in %d ms",
            DOCUMENTS, seconds, DOCUMENTS / seconds, textTokens / seconds, textTokens, encodedTokens / seconds,
            encodedTokens, MAX_TOKENS, MINILM, node.startupMillis()));
    }
}
