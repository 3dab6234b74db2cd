package io.longdoc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.longdoc.it.JsonRest;

import org.junit.jupiter.api.Test;

class QaLatencyStepTests {

    @Test
    void theRequestIsTheLongDocQaQueryOnTheBodyField() {
        assertEquals("{\"size\":3,\"query\":{\"long_doc_qa\":{\"question\":\"Why?\",\"field\":\"body\",\"candidates\":10}}}",
            JsonRest.toJson(QaLatencyStep.query("Why?", 10)));
    }

    @Test
    void aNodeWithoutTheQueryIsRecognisedByItsParsingError() {
        // what Elasticsearch 9.2 answers for a query name no plugin registered
        JsonRest.Reply reply = new JsonRest.Reply("POST /speed-docs/_search", 400, """
            {"error":{"root_cause":[{"type":"parsing_exception","reason":"unknown query [long_doc_qa]","line":1,"col":25}],\
            "type":"parsing_exception","reason":"unknown query [long_doc_qa]","line":1,"col":25},"status":400}""");
        assertTrue(QaLatencyStep.queryMissing(reply));
    }

    @Test
    void otherBadRequestsAreFailuresNotAMissingQuery() {
        JsonRest.Reply reply = new JsonRest.Reply("POST /speed-docs/_search", 400, """
            {"error":{"type":"illegal_argument_exception","reason":"[long_doc_qa] [field] [body] is not mapped"},"status":400}""");
        assertFalse(QaLatencyStep.queryMissing(reply));
    }
}
