package io.longdoc.it;

import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.TestModels;
import io.longdoc.corpus.InsertionTask;
import io.longdoc.text.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code long_doc_qa} retriever on the shared node, over 12 passkey documents of 1,024 tokens (the passkey task
 * of LongDocQaIT, smaller): standalone, wrapping a {@code standard} retriever, nested in a compound retriever,
 * paginated across its window's edge, and its 400s.
 * <p>
 * {@code rrf} and {@code linear} are x-pack modules that the {@code integ-test-zip} distribution the harness runs does
 * not ship (it has apm, transport-netty4, x-pack-core and x-pack-security only), so nesting is tested inside
 * Elasticsearch's own compound {@code rescorer} retriever, which runs through the same CompoundRetrieverBuilder
 * machinery (a child search per retriever, rank docs, the final rank-docs query with its sources as the tail).
 */
@ExtendWith(LongdocNodeExtension.class)
class LongDocQaRetrieverIT {

    static final String INDEX = "it-qa-retriever";
    /** The same documents over three shards: the fetch phase runs in a new search context per shard. */
    static final String INDEX_3 = "it-qa-retriever-3";
    static final String PIPELINE = "it-qa-retriever";
    static final int DOCUMENTS = 12;
    static final int QUESTIONS = 4;

    static List<InsertionTask.Item> items;

    @BeforeAll
    static void ingest(JsonRest es) throws Exception {
        List<String> fillers = Corpus.stream(Corpus.sotu()).limit(30).map(Corpus.Document::text).toList();
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.bgeTokenizer())) {
            items = InsertionTask.generate(InsertionTask.Kind.PASSKEY, fillers, tokenizer::tokenize, 1024, DOCUMENTS, 20261207L);
        }
        Fixtures.createPipeline(es, PIPELINE, Fixtures.longDoc("body", null).put("sections", true));
        for (String index : List.of(INDEX, INDEX_3)) {
            Fixtures.createQaIndex(es, index, index.equals(INDEX) ? 2 : 3);
            JsonRest.Bulk bulk = new JsonRest.Bulk();
            for (InsertionTask.Item item : items) {
                ObjectNode source = JsonRest.object();
                source.put("body", item.text());
                bulk.index(index, item.id(), source);
            }
            Fixtures.assertBulkIndexedAll(es.bulk("/_bulk?pipeline=" + PIPELINE + "&refresh=true", bulk), DOCUMENTS);
        }
    }

    /** {@code {"size": size, "_source": false, "retriever": {"long_doc_qa": {question, field: body, rank_window_size}}}} */
    static ObjectNode search(String question, int window, int size) {
        ObjectNode body = JsonRest.object();
        body.put("size", size);
        body.put("_source", false);
        ObjectNode qa = body.putObject("retriever").putObject("long_doc_qa");
        qa.put("question", question);
        qa.put("field", "body");
        qa.put("rank_window_size", window);
        return body;
    }

    static ObjectNode qaOf(ObjectNode body) {
        return (ObjectNode) body.at("/retriever/long_doc_qa");
    }

    @Test
    void standaloneRanksThePasskeyDocumentFirstWithItsAnswer(JsonRest es) {
        for (InsertionTask.Item item : items.subList(0, QUESTIONS)) {
            JsonNode hits = es.post("/" + INDEX + "/_search", search(item.question(), DOCUMENTS, 3)).assertSuccess().at("/hits/hits");
            assertEquals(3, hits.size());
            assertEquals(item.id(), hits.path(0).path("_id").asText(), "top hit for " + item.question());
            assertTrue(hits.path(0).at("/fields/_longdoc_answers/0/text").asText().contains(item.answer()),
                "the answer holds the key: " + hits.path(0));
            for (JsonNode hit : hits) {
                double score = hit.path("_score").asDouble();
                assertTrue(score >= 0.5 && score <= 1.0, "read hits score (1 + reader) / 2 in [0.5, 1]: " + hit);
            }
        }
    }

    @Test
    void wrapsAStandardRetrieverAndRereadsItsHits(JsonRest es) {
        int first = 0;
        for (InsertionTask.Item item : items.subList(0, QUESTIONS)) {
            ObjectNode body = search(item.question(), DOCUMENTS, 5);
            // a first stage that cannot tell the documents apart: every one holds "pass key"
            qaOf(body).set("retriever", JsonRest.json("{\"standard\": {\"query\": {\"match\": {\"body\": \"pass key\"}}}}"));
            JsonNode hits = es.post("/" + INDEX + "/_search", body).assertSuccess().at("/hits/hits");
            first += item.id().equals(hits.path(0).path("_id").asText()) ? 1 : 0;
            assertTrue(hits.path(0).at("/fields/_longdoc_answers/0/text").asText().length() > 0, "wrapped hits carry answers: " + hits.path(0));
            for (JsonNode hit : hits) {
                assertTrue(hit.path("_score").asDouble() >= 0.5, "every returned hit was read by the reader: " + hit);
            }
            // the child alone ranks by BM25, whose scores are not in [0.5, 1]: the wrapper changed them
            JsonNode child = es.post("/" + INDEX + "/_search", JsonRest.json("""
                {"size": 1, "_source": false, "retriever": {"standard": {"query": {"match": {"body": "pass key"}}}}}
                """)).assertSuccess().at("/hits/hits/0");
            assertTrue(child.path("fields").path("_longdoc_answers").isMissingNode(), "no answers without long_doc_qa: " + child);
        }
        assertTrue(first >= QUESTIONS - 1, "wrapping a match query, the passkey document is first in " + first + "/" + QUESTIONS);
    }

    @Test
    void nestsInACompoundRetrieverBesideStandardAndKnnChildren(JsonRest es) {
        int first = 0;
        for (InsertionTask.Item item : items.subList(0, QUESTIONS)) {
            // a compound (rescorer) over our retriever, which itself wraps another compound reader over a knn child:
            // three levels of CompoundRetrieverBuilder, rank docs passed up at each
            ObjectNode knnChild = JsonRest.json("""
                {"long_doc_qa": {"field": "body", "rank_window_size": 12, "first_stage": "knn"}}
                """).deepCopy();
            ((ObjectNode) knnChild.get("long_doc_qa")).put("question", item.question());
            ObjectNode body = search(item.question(), DOCUMENTS, 3);
            qaOf(body).set("retriever", knnChild);
            ObjectNode outer = JsonRest.object();
            outer.put("size", 3);
            outer.put("_source", false);
            ObjectNode rescorer = outer.putObject("retriever").putObject("rescorer");
            rescorer.set("retriever", body.get("retriever"));
            rescorer.set("rescore", JsonRest.json("""
                {"window_size": 12, "query": {"rescore_query": {"match": {"body": "pass"}}, "query_weight": 1, "rescore_query_weight": 0}}
                """));
            JsonNode hits = es.post("/" + INDEX + "/_search", outer).assertSuccess().at("/hits/hits");
            assertEquals(3, hits.size(), "hits: " + hits);
            first += item.id().equals(hits.path(0).path("_id").asText()) ? 1 : 0;
            assertTrue(hits.path(0).at("/fields/_longdoc_answers/0/text").asText().contains(item.answer()) || !item.id().equals(hits.path(0).path("_id").asText()),
                "the nested retriever's answers reach the final page: " + hits.path(0));
            assertTrue(hits.path(0).at("/fields/_longdoc_answers").isArray(), "answers on a nested hit: " + hits.path(0));
        }
        assertTrue(first >= QUESTIONS - 1, "nested: the passkey document is first in " + first + "/" + QUESTIONS);
    }

    @Test
    void pagesAcrossTheWindowEdge(JsonRest es) {
        String question = items.get(0).question();
        int window = 10;
        List<String> all = ids(es.post("/" + INDEX + "/_search", search(question, window, window)).assertSuccess());
        assertEquals(window, all.size(), "one page of the whole window");
        List<String> paged = new ArrayList<>();
        for (int from = 0; from < DOCUMENTS; from += 4) {
            ObjectNode body = search(question, window, 4);
            body.put("from", from);
            JsonRest.Reply reply = es.post("/" + INDEX + "/_search", body).assertSuccess();
            List<String> page = ids(reply);
            assertEquals(Math.max(0, Math.min(4, window - from)), page.size(), "page from " + from + " stops at the window's edge: " + page);
            for (JsonNode hit : reply.at("/hits/hits")) {
                assertTrue(hit.at("/fields/_longdoc_answers").isArray(), "each page's hits carry answers: " + hit);
            }
            paged.addAll(page);
        }
        assertEquals(all, paged, "pages concatenate to the window, in order, with no hit twice");
    }

    /**
     * A search of several shards fetches in a new search context per shard. The query phase's reads of the returned
     * hits reach it through the shard's reader context, so each candidate is read once, by its shard's query phase,
     * and the answers are placed from those reads; with {@code longdoc.qa.reuse_reads} off the fetch phase loads and
     * reads each returned hit again. Same answers either way, and the same as a search of each shard alone (one
     * shard: query and fetch share their context).
     */
    @Test
    void aSearchOfThreeShardsReadsEachCandidateOnce(JsonRest es) {
        int size = 3;
        JsonNode shards = es.get("/_cat/shards/" + INDEX_3 + "?format=json&h=shard,docs").assertSuccess().body();
        assertEquals(3, shards.size(), "three shards: " + shards);
        shards.forEach(shard -> assertTrue(shard.path("docs").asInt() > 0, "every shard holds documents: " + shards));
        for (InsertionTask.Item item : items.subList(0, 2)) {
            ObjectNode query = JsonRest.object();
            query.put("size", size);
            query.put("_source", false);
            query.putObject("query").putObject("long_doc_qa").put("question", item.question()).put("field", "body").put("candidates", DOCUMENTS);
            ObjectNode rescore = JsonRest.json("""
                {"_source": false, "query": {"match": {"body": "pass key"}}, "rescore": {"window_size": 12, "long_doc_qa": {"field": "body"}}}
                """).deepCopy();
            rescore.put("size", size);
            ((ObjectNode) rescore.at("/rescore/long_doc_qa")).put("question", item.question());
            ObjectNode retriever = search(item.question(), DOCUMENTS, size);
            for (ObjectNode body : List.of(query, rescore, retriever)) {
                String what = body.has("retriever") ? "retriever" : body.has("rescore") ? "rescorer" : "query";
                Reads reused = Reads.of(es, "/" + INDEX_3 + "/_search", body);
                assertEquals(size, reused.hits().size(), what + ": " + reused);
                assertEquals(DOCUMENTS, reused.candidateReads(), what + ": each document read once, by its shard's query phase (" + reused + ")");
                assertEquals(size, reused.reusedReads(), what + ": every returned hit's answer placed from that read (" + reused + ")");
                assertTrue(reused.hits().stream().allMatch(hit -> hit.contains("\"text\"")), what + ": every hit has its answer: " + reused);

                Reads again;
                setReuseReads(es, false);
                try {
                    again = Reads.of(es, "/" + INDEX_3 + "/_search", body);
                } finally {
                    setReuseReads(es, null);
                }
                assertEquals(DOCUMENTS + size, again.candidateReads(), what + ": without reuse the fetch phase reads each returned hit again (" + again + ")");
                assertEquals(0, again.reusedReads(), what + ": " + again);
                assertEquals(again.hits(), reused.hits(), what + ": the same hits and answers as reading them again");

                if (body == retriever) {
                    continue; // a retriever's window is the whole index's, not a shard's
                }
                List<String> alone = new ArrayList<>();
                for (int shard = 0; shard < 3; shard++) {
                    Reads one = Reads.of(es, "/" + INDEX_3 + "/_search?preference=_shards:" + shard, body);
                    assertEquals(one.hits().size(), one.reusedReads(), what + ": one shard reuses its reads in its own context (" + one + ")");
                    alone.addAll(one.hits());
                }
                for (String hit : reused.hits()) {
                    assertTrue(alone.contains(hit), what + ": the hit and its answer as its shard alone gives them: " + hit + " in " + alone);
                }
            }
        }
    }

    /** One search's page ({@code _id} and answers of each hit) and what it cost this node in candidate reads. */
    record Reads(List<String> hits, long candidateReads, long reusedReads) {
        static Reads of(JsonRest es, String path, ObjectNode body) {
            JsonNode before = es.get("/_longdoc/models").assertSuccess().at("/long_doc_qa");
            JsonNode reply = es.post(path, body).assertSuccess().body();
            JsonNode after = es.get("/_longdoc/models").assertSuccess().at("/long_doc_qa");
            List<String> hits = new ArrayList<>();
            reply.at("/hits/hits").forEach(hit -> hits.add(hit.path("_id").asText() + " " + hit.at("/fields/_longdoc_answers")));
            return new Reads(hits, after.path("candidate_reads").asLong() - before.path("candidate_reads").asLong(),
                after.path("reused_reads").asLong() - before.path("reused_reads").asLong());
        }
    }

    /** {@code longdoc.qa.reuse_reads} as a persistent cluster setting; null resets it to its default (true). */
    static void setReuseReads(JsonRest es, Boolean reuse) {
        es.putPersistentSetting("longdoc.qa.reuse_reads", reuse);
    }

    @Test
    void badRequestsAreFourHundredsThatNameTheProblem(JsonRest es) {
        String q = items.get(0).question();
        ObjectNode unknownField = search(q, 10, 3);
        qaOf(unknownField).put("field", "no_such_field");
        assertBadRequest(es, unknownField, "[no_such_field] is not mapped");
        assertBadRequest(es, search(q, 5, 10), "rank_window_size: 5] be greater than or equal to [size: 10]");
        assertBadRequest(es, search(q, 100_000, 3), "[rank_window_size] is [100000], at most [1000]");
        assertBadRequest(es, search(q, 0, 0), "[rank_window_size] must be at least 1");
        ObjectNode both = search(q, 10, 3);
        qaOf(both).put("first_stage", "knn");
        qaOf(both).set("retriever", JsonRest.json("{\"standard\": {\"query\": {\"match_all\": {}}}}"));
        assertBadRequest(es, both, "[first_stage] applies only without [retriever]");
        ObjectNode unknownOption = search(q, 10, 3);
        qaOf(unknownOption).put("colour", "blue");
        assertBadRequest(es, unknownOption, "unknown field [colour]");
        ObjectNode noQuestion = search(q, 10, 3);
        qaOf(noQuestion).remove("question");
        assertBadRequest(es, noQuestion, "question");
        ObjectNode badStage = search(q, 10, 3);
        qaOf(badStage).put("first_stage", "fuzzy");
        assertBadRequest(es, badStage, "[first_stage] must be one of [knn, bm25, hybrid]");
    }

    @Test
    void explainNamesEachSignalOnTheQueryTheRescorerAndTheRetriever(JsonRest es) {
        InsertionTask.Item item = items.get(1);
        ObjectNode query = JsonRest.object();
        query.put("size", 1);
        query.put("explain", true);
        query.put("_source", false);
        ObjectNode qa = query.putObject("query").putObject("long_doc_qa");
        qa.put("question", item.question());
        qa.put("field", "body");
        qa.put("candidates", DOCUMENTS);
        JsonNode hit = es.post("/" + INDEX + "/_search", query).assertSuccess().at("/hits/hits/0");
        assertSignals(hit, "query");
        assertEquals(hit.path("_score").asDouble(), hit.at("/_explanation/value").asDouble(), 1e-5, "the explanation's value is the score");

        ObjectNode rescore = JsonRest.json("""
            {"size": 1, "explain": true, "_source": false, "query": {"match": {"body": "pass key"}},
             "rescore": {"window_size": 12, "long_doc_qa": {"field": "body"}}}
            """).deepCopy();
        ((ObjectNode) rescore.at("/rescore/long_doc_qa")).put("question", item.question());
        assertSignals(es.post("/" + INDEX + "/_search", rescore).assertSuccess().at("/hits/hits/0"), "rescorer");

        ObjectNode retriever = search(item.question(), DOCUMENTS, 1);
        retriever.put("explain", true);
        assertSignals(es.post("/" + INDEX + "/_search", retriever).assertSuccess().at("/hits/hits/0"), "retriever");
    }

    private static void assertSignals(JsonNode hit, String what) {
        String explanation = hit.path("_explanation").toString();
        for (String signal : List.of("best section: characters [", "section cosine", "lexical share", "first-stage rank", "first-stage score", "reader score")) {
            assertTrue(explanation.contains(signal), what + " explain names [" + signal + "]: " + explanation);
        }
    }

    @Test
    void aModelIsNeverLoadedOnASearchThread(ElasticsearchNode node, JsonRest es) {
        // a model the shared node may not have loaded yet: the documents were encoded by bge, but MiniLM has the same
        // width, so the search runs end to end (its ranking is not the point here)
        boolean loadedBefore = node.serverLogText().contains("] loaded model [" + Fixtures.MINILM + "]");
        ObjectNode body = search(items.get(0).question(), 5, 3);
        qaOf(body).put("model_id", Fixtures.MINILM);
        JsonNode hits = es.post("/" + INDEX + "/_search", body).assertSuccess().at("/hits/hits");
        assertEquals(3, hits.size(), "the search answered after loading the model: " + hits);
        assertTrue(hits.path(0).at("/fields/_longdoc_answers").isArray(), "with answers: " + hits.path(0));
        // the registry's load lines ("] loaded model ["), not the preloader's own "preloaded model [...] in N ms"
        List<String> loads = node.serverLogText().lines().filter(line -> line.contains("] loaded model [")).toList();
        assertTrue(loads.stream().anyMatch(line -> line.contains("] loaded model [" + Fixtures.MINILM + "]")), "MiniLM was loaded (before: " + loadedBefore + "): " + loads);
        for (String line : loads) {
            assertTrue(line.contains("on thread ["), "the load names its thread: " + line);
            assertTrue(!line.contains("[search]") && !line.contains("[search_worker]") && !line.contains("transport_worker"),
                "no model loads on a search or transport thread: " + line);
        }
        System.out.println("QA-RETRIEVER: model loads " + loads.stream().map(l -> l.substring(l.indexOf("loaded model"))).toList());
    }

    static List<String> ids(JsonRest.Reply reply) {
        List<String> ids = new ArrayList<>();
        reply.at("/hits/hits").forEach(hit -> ids.add(hit.path("_id").asText()));
        return ids;
    }

    static void assertBadRequest(JsonRest es, ObjectNode body, String expected) {
        JsonRest.Reply reply = es.post("/" + INDEX + "/_search", body);
        assertEquals(400, reply.status(), "expected a 400 for " + JsonRest.toJson(body) + ": " + reply);
        String reasons = reply.errorReasons();
        assertTrue(reasons.contains(expected), "the error names the problem [" + expected + "]: " + reasons);
    }
}
