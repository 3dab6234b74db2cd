package io.longdoc.it;

import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.TestModels;
import io.longdoc.corpus.InsertionTask;
import io.longdoc.text.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code long_doc_qa} query and rescorer on the passkey task of EVAL.md: 30 documents of 4,096 tokens of State
 * of the Union filler, each with one "{Name}'s pass key is {NNNNN}" sentence at a random depth, ingested through the
 * {@code long_doc} processor with the default model; 10 questions "What is {Name}'s pass key?".
 */
@ExtendWith(LongdocNodeExtension.class)
@Order(25)
class LongDocQaIT {

    static final String INDEX = "it-qa-passkey";
    static final String PIPELINE = "it-qa";
    static final int DOCUMENTS = 30;
    static final int QUESTIONS = 10;
    static final int TOKENS = 4096;

    static List<InsertionTask.Item> items;

    @BeforeAll
    static void ingestPasskeyDocuments(JsonRest es) throws Exception {
        List<String> fillers = Corpus.stream(Corpus.sotu()).limit(60).map(Corpus.Document::text).toList();
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.bgeTokenizer())) {
            items = InsertionTask.generate(InsertionTask.Kind.PASSKEY, fillers, tokenizer::tokenize, TOKENS, DOCUMENTS, 20261122L);
        }
        Fixtures.createPipeline(es, PIPELINE, Fixtures.longDoc("body", null).put("sections", true));
        Fixtures.createQaIndex(es, INDEX, 1);
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        for (InsertionTask.Item item : items) {
            ObjectNode source = JsonRest.object();
            source.put("body", item.text());
            bulk.index(INDEX, item.id(), source);
        }
        long start = System.nanoTime();
        Fixtures.assertBulkIndexedAll(es.bulk("/_bulk?pipeline=" + PIPELINE + "&refresh=true", bulk), DOCUMENTS);
        System.out.printf("QA: ingested %d passkey documents of %d tokens in %.1f s%n", DOCUMENTS, TOKENS, (System.nanoTime() - start) / 1e9);
    }

    static ObjectNode qa(String question, int candidates) {
        ObjectNode body = JsonRest.object();
        body.put("size", 3);
        body.putObject("_source").put("includes", "nothing");
        ObjectNode qa = body.putObject("query").putObject("long_doc_qa");
        qa.put("question", question);
        qa.put("field", "body");
        qa.put("candidates", candidates);
        return body;
    }

    @Test
    void ranksThePasskeyDocumentFirstAndAnswersWithTheKey(JsonRest es) {
        int rankedFirst = 0;
        int answered = 0;
        int knnFirst = 0;
        List<Long> took = new ArrayList<>();
        for (InsertionTask.Item item : items.subList(0, QUESTIONS)) {
            JsonRest.Reply reply = es.post("/" + INDEX + "/_search", qa(item.question(), DOCUMENTS)).assertSuccess();
            took.add(reply.at("/took").asLong());
            JsonNode top = reply.at("/hits/hits/0");
            String answer = top.at("/fields/_longdoc_answers/0/text").asText();
            boolean first = item.id().equals(top.path("_id").asText());
            rankedFirst += first ? 1 : 0;
            answered += first && answer.contains(item.answer()) ? 1 : 0;
            System.out.printf("QA: %-40s top %-14s score %.3f answer \"%s\"%n", item.question(), top.path("_id").asText(), top.path("_score").asDouble(), answer);

            // side by side: the kNN first stage alone (one candidate read keeps the kNN order)
            ObjectNode knn = qa(item.question(), 1);
            ((ObjectNode) knn.at("/query/long_doc_qa")).put("first_stage", "knn");
            JsonNode knnTop = es.post("/" + INDEX + "/_search", knn).assertSuccess().at("/hits/hits/0");
            knnFirst += item.id().equals(knnTop.path("_id").asText()) ? 1 : 0;
        }
        System.out.printf("QA: passkey, %d documents of %d tokens: long_doc_qa top-1 %d/%d, answer contains the key %d/%d; "
            + "kNN on the document embedding top-1 %d/%d; took %s ms%n", DOCUMENTS, TOKENS, rankedFirst, QUESTIONS, answered, QUESTIONS,
            knnFirst, QUESTIONS, took);
        assertTrue(rankedFirst >= 9, "long_doc_qa ranks the passkey document first in " + rankedFirst + "/" + QUESTIONS);
        assertTrue(answered >= 9, "its answer holds the key in " + answered + "/" + QUESTIONS);
    }

    @Test
    void aUserQueryCanBeTheFirstStageAndEveryScoreModeKeepsTheOrderSane(JsonRest es) {
        int ownFirstStage = 0;
        int readerAlone = 0;
        for (InsertionTask.Item item : items.subList(0, QUESTIONS)) {
            ObjectNode own = qa(item.question(), DOCUMENTS);
            ((ObjectNode) own.at("/query/long_doc_qa")).set("query", JsonRest.json("{\"match\": {\"body\": \"pass key\"}}"));
            JsonNode hits = es.post("/" + INDEX + "/_search", own).assertSuccess().at("/hits/hits");
            ownFirstStage += item.id().equals(hits.path(0).path("_id").asText()) ? 1 : 0;
            ObjectNode reader = qa(item.question(), DOCUMENTS);
            ((ObjectNode) reader.at("/query/long_doc_qa")).put("score_mode", "reader");
            JsonNode top = es.post("/" + INDEX + "/_search", reader).assertSuccess().at("/hits/hits/0");
            readerAlone += item.id().equals(top.path("_id").asText()) ? 1 : 0;
            assertTrue(top.path("_score").asDouble() >= 1 && top.path("_score").asDouble() <= 2, "read hits score in [1, 2]: " + top);
        }
        System.out.printf("QA: first stage = the user's match query: top-1 %d/%d; score_mode reader: top-1 %d/%d%n", ownFirstStage, QUESTIONS,
            readerAlone, QUESTIONS);
        assertTrue(ownFirstStage >= 9, "with the user's query as first stage: " + ownFirstStage);
        assertTrue(readerAlone >= 9, "with score_mode reader: " + readerAlone);

        // rank_weight reaches the shards: at 1 the rank's share is 1 - the question's lexical margin (a passkey's name
        // singles out its document, so the margin is well above 0), and each score is exactly
        // 1 + margin × reader + (1 - margin) × 60 / (60 + rank), from the reader score and margin explain reports
        ObjectNode rankOnly = qa(items.get(0).question(), DOCUMENTS);
        rankOnly.put("explain", true);
        ((ObjectNode) rankOnly.at("/query/long_doc_qa")).put("score_mode", "combined").put("rank_weight", 1.0);
        JsonNode ranked = es.post("/" + INDEX + "/_search", rankOnly).assertSuccess().at("/hits/hits");
        for (int hit = 0; hit < 3; hit++) {
            JsonNode explanation = ranked.path(hit).path("_explanation");
            if (explanation.path("description").asText().startsWith("long_doc_qa") == false) {
                explanation = explanation.at("/details/0"); // the query under ES's filter wrapper ("sum of:")
            }
            java.util.regex.Matcher margin = java.util.regex.Pattern.compile("lexical margin ([0-9.E-]+)\\)").matcher(explanation.path("description").asText());
            assertTrue(margin.find(), "explain names the margin: " + explanation);
            double m = Double.parseDouble(margin.group(1));
            assertTrue(m > 0.1 && m <= 1, "a passkey's name singles out its document: margin " + m);
            double reader = explanation.at("/details/0/value").asDouble();
            int rank = explanation.at("/details/1/value").asInt() - 1;
            assertEquals(1 + m * reader + (1 - m) * 60.0 / (60 + rank), ranked.path(hit).path("_score").asDouble(), 1e-4, "hit " + hit + ": " + explanation);
        }
        ObjectNode wrong = qa(items.get(0).question(), DOCUMENTS);
        ((ObjectNode) wrong.at("/query/long_doc_qa")).put("score_mode", "reader").put("rank_weight", 0.5);
        JsonRest.Reply refused = es.post("/" + INDEX + "/_search", wrong);
        assertEquals(400, refused.status(), refused.toString());
        assertTrue(refused.errorReasons().contains("[rank_weight] applies only with [score_mode] combined"), refused.toString());
        ObjectNode tooHeavy = qa(items.get(0).question(), DOCUMENTS);
        ((ObjectNode) tooHeavy.at("/query/long_doc_qa")).put("rank_weight", 2);
        refused = es.post("/" + INDEX + "/_search", tooHeavy);
        assertEquals(400, refused.status(), refused.toString());
        assertTrue(refused.errorReasons().contains("[rank_weight] must be between 0 and 1, got [2.0]"), refused.toString());
    }

    @Test
    void hitsPastTheCandidatesFollowInFirstStageOrder(JsonRest es) {
        ObjectNode body = qa(items.get(0).question(), 3);
        body.put("size", 10);
        ((ObjectNode) body.at("/query/long_doc_qa")).put("first_stage", "bm25");
        JsonNode hits = es.post("/" + INDEX + "/_search", body).assertSuccess().at("/hits/hits");
        assertEquals(10, hits.size());
        for (int i = 0; i < 10; i++) {
            double score = hits.path(i).path("_score").asDouble();
            assertTrue(i < 3 ? score >= 1 : score > 0 && score <= 0.5, "hit " + i + " (3 read, the rest not): " + score);
        }
    }

    @Test
    void aQuestionDoesNotWaitBehindABulkOfDocuments(JsonRest es) throws Exception {
        String busy = INDEX + "-busy";
        Fixtures.createQaIndex(es, busy, 1);
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        for (InsertionTask.Item item : items.subList(0, 16)) {
            ObjectNode source = JsonRest.object();
            source.put("body", item.text());
            bulk.index(busy, item.id(), source);
        }
        var ingest = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            JsonRest.Reply reply = es.bulk("/_bulk?pipeline=" + PIPELINE, bulk);
            return new long[] { System.nanoTime(), reply.status() };
        });
        Thread.sleep(2000); // the bulk's documents are queued on the inference pool by now
        JsonRest.Reply answer = es.post("/" + INDEX + "/_search", qa(items.get(1).question(), 10)).assertSuccess();
        long answered = System.nanoTime();
        long[] ingested = ingest.get();
        assertEquals(200, ingested[1]);
        System.out.printf("QA: during a bulk of 16 documents of 4k tokens, a question was answered %.1f s before the bulk finished%n",
            (ingested[0] - answered) / 1e9);
        assertEquals(items.get(1).id(), answer.at("/hits/hits/0/_id").asText());
        assertTrue(answered < ingested[0], "the question (its own pool) was answered before the queued documents were encoded");
    }

    @Test
    void answersCarryOffsetsIntoTheTextField(JsonRest es) {
        InsertionTask.Item item = items.get(0);
        ObjectNode body = qa(item.question(), 10);
        body.remove("_source");
        JsonNode top = es.post("/" + INDEX + "/_search", body).assertSuccess().at("/hits/hits/0");
        JsonNode answer = top.at("/fields/_longdoc_answers/0");
        String text = top.at("/_source/body").asText();
        int start = answer.path("start").asInt();
        int end = answer.path("end").asInt();
        assertEquals(answer.path("text").asText(), text.substring(start, end), "offsets cut the answer out of the field's text");
        assertTrue(start >= item.insertedStart() - 200 && end <= item.insertedEnd() + 200, "the answer lies at the inserted sentence: " + answer);
    }

    @Test
    void theRescorerReranksAnyQueryAndKeepsHitsPastTheWindowBelow(JsonRest es) {
        int rankedFirst = 0;
        for (InsertionTask.Item item : items.subList(0, QUESTIONS)) {
            ObjectNode body = JsonRest.json("""
                {"size": 5, "_source": false, "query": {"match": {"body": "pass key"}},
                 "rescore": {"window_size": 30, "long_doc_qa": {"field": "body"}}}
                """).deepCopy();
            ((ObjectNode) body.at("/rescore/long_doc_qa")).put("question", item.question());
            JsonRest.Reply reply = es.post("/" + INDEX + "/_search", body).assertSuccess();
            JsonNode hits = reply.at("/hits/hits");
            rankedFirst += item.id().equals(hits.path(0).path("_id").asText()) ? 1 : 0;
            assertTrue(hits.path(0).at("/fields/_longdoc_answers/0/text").asText().length() > 0, "rescored hits carry answers");
            for (JsonNode hit : hits) {
                assertTrue(hit.path("_score").asDouble() >= 1.0, "every hit of the page was read by the reader: " + hit);
            }
        }
        System.out.printf("QA: rescorer over a match query (window 30): passkey document first in %d/%d%n", rankedFirst, QUESTIONS);
        assertTrue(rankedFirst >= 9, "rescorer top-1 " + rankedFirst + "/" + QUESTIONS);
    }

    @Test
    void badRequestsAreFourHundredsThatNameTheProblem(JsonRest es) {
        String q = items.get(0).question();
        assertBadRequest(es, qa(" ", 10), "[question]");
        assertBadRequest(es, qa("x".repeat(100_000), 10), "[question] has 100000 characters");
        assertBadRequest(es, qa(q, 0), "[candidates] must be between 1 and");
        assertBadRequest(es, qa(q, 100_000), "[candidates] must be between 1 and");
        ObjectNode unknownField = qa(q, 10);
        ((ObjectNode) unknownField.at("/query/long_doc_qa")).put("field", "no_such_field");
        assertBadRequest(es, unknownField, "[no_such_field] is not mapped");
        ObjectNode numberField = qa(q, 10);
        ((ObjectNode) numberField.at("/query/long_doc_qa")).put("field", "longdoc.tokens");
        assertBadRequest(es, numberField, "must be a text field");
        ObjectNode unknownModel = qa(q, 10);
        ((ObjectNode) unknownModel.at("/query/long_doc_qa")).put("model_id", "no-such-model");
        assertBadRequest(es, unknownModel, "no-such-model");
        ObjectNode traversal = qa(q, 10);
        ((ObjectNode) traversal.at("/query/long_doc_qa")).put("model_id", "../etc");
        assertBadRequest(es, traversal, "model");
        ObjectNode span = qa(q, 10);
        ((ObjectNode) span.at("/query/long_doc_qa")).put("reader", "span");
        assertBadRequest(es, span, "has no question-answering head");
        ObjectNode unknownOption = qa(q, 10);
        ((ObjectNode) unknownOption.at("/query/long_doc_qa")).put("colour", "blue");
        assertBadRequest(es, unknownOption, "unknown field [colour]");
        ObjectNode smallWindow = JsonRest.json("""
            {"size": 20, "query": {"match_all": {}}, "rescore": {"window_size": 10, "long_doc_qa": {"question": "q", "field": "body"}}}
            """).deepCopy();
        assertBadRequest(es, smallWindow, "[window_size] is [10] but the page needs [from + size] = [20]");
    }

    private static void assertBadRequest(JsonRest es, ObjectNode body, String expected) {
        JsonRest.Reply reply = es.post("/" + INDEX + "/_search", body);
        assertEquals(400, reply.status(), "expected a 400 for " + JsonRest.toJson(body).substring(0, Math.min(300, JsonRest.toJson(body).length())) + ": " + reply);
        String reasons = reply.errorReasons();
        assertTrue(reasons.contains(expected), "the error names the problem [" + expected + "]: " + reasons);
    }
}
