package io.longdoc.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code span} reader through a real node: the operator model {@value LongdocNodeExtension#QA_MODEL} is a
 * Longformer checkpoint whose QA head was constructed so that "zebra … elephant" is the strongest span and
 * "penguin … dolphin" a weaker one. The reader must rank the document holding the strong span first, return that span
 * with offsets into the text, and never answer from the question.
 */
@ExtendWith(LongdocNodeExtension.class)
@Order(27)
class SpanReaderQaIT {

    static final String INDEX = "it-qa-span";

    @Test
    void theQaHeadRanksAndAnswersWithCharacterOffsets(JsonRest es) {
        es.delete("/" + INDEX);
        es.put("/" + INDEX, JsonRest.json("""
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0}, "mappings": {"properties": {"body": {"type": "text"}}}}
            """)).assertSuccess();
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        bulk.index(INDEX, "weak", body("The report on animals mentions a penguin that met a dolphin near the shore, among other animals."));
        bulk.index(INDEX, "strong", body("Café notes 😀 on animals: a zebra grazed beside the elephant at noon, said the animals report."));
        bulk.index(INDEX, "none", body("Animals in this report: nothing more to say about any animals at all."));
        Fixtures.assertBulkIndexedAll(es.bulk("/_bulk?refresh=true", bulk), 3);

        ObjectNode search = JsonRest.object();
        ObjectNode qa = search.putObject("query").putObject("long_doc_qa");
        qa.put("question", "Which animals? (not the zebra in this question)");
        qa.put("field", "body");
        qa.put("model_id", LongdocNodeExtension.QA_MODEL);
        qa.put("reader", "span");
        qa.put("first_stage", "bm25");
        JsonRest.Reply reply = es.post("/" + INDEX + "/_search", search).assertSuccess();
        JsonNode hits = reply.at("/hits/hits");
        System.out.println("QA: span reader hits " + hits);
        assertEquals(3, hits.size());
        assertEquals("strong", hits.path(0).path("_id").asText(), "the strongest span's document first");
        assertEquals("weak", hits.path(1).path("_id").asText(), "the weaker span's document second");
        JsonNode answer = hits.path(0).at("/fields/_longdoc_answers/0");
        String text = hits.path(0).at("/_source/body").asText();
        assertEquals("zebra grazed beside the elephant", answer.path("text").asText());
        assertEquals(answer.path("text").asText(), text.substring(answer.path("start").asInt(), answer.path("end").asInt()),
            "offsets are UTF-16 indices into the field, after the accent and the emoji");
        assertEquals("penguin that met a dolphin", hits.path(1).at("/fields/_longdoc_answers/0/text").asText());

        // auto picks span for a model with a QA head
        qa.put("reader", "auto");
        assertEquals("strong", es.post("/" + INDEX + "/_search", search).assertSuccess().at("/hits/hits/0/_id").asText());
        // the late-interaction reader needs the packed section vectors this index does not have
        qa.put("reader", "late_interaction");
        JsonRest.Reply missing = es.post("/" + INDEX + "/_search", search);
        assertEquals(400, missing.status(), missing.toString());
        assertTrue(missing.errorReasons().contains("longdoc.section_vectors] is not mapped"), missing.errorReasons());
    }

    private static ObjectNode body(String text) {
        ObjectNode source = JsonRest.object();
        source.put("body", text);
        return source;
    }
}
