package io.longdoc.it;

import io.longdoc.corpus.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longdoc.TestModels;
import io.longdoc.corpus.DeepSectionTask;
import io.longdoc.text.Tokenizer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deep-section task of EVAL.md on real structure: section headings of the Python documentation (at least three
 * words, used once in the corpus) whose section starts after the page's first 512 tokens are asked as questions;
 * the page must come back in the top 3 with an answer inside that section. 20 such pages plus 30 others are indexed
 * (the whole-corpus run is the quality harness's job). Also prints {@code long_doc_qa}'s latency for 10 and 50
 * candidates beside a plain BM25 query's.
 */
@ExtendWith(LongdocNodeExtension.class)
@Order(26)
class DeepSectionQaIT {

    static final String INDEX = "it-qa-pydocs";
    static final int TARGETS = 20;
    static final int OTHERS = 30;

    record Target(Corpus.Document page, Corpus.Heading section) {}

    @Test
    void findsThePageOfADeepSectionAndAnswersInsideIt(JsonRest es) throws Exception {
        List<Corpus.Document> corpus;
        try (var documents = Corpus.stream(Corpus.pydocs())) {
            corpus = documents.toList();
        }
        List<Target> targets = targets(corpus);
        Set<String> targetIds = new LinkedHashSet<>();
        targets.forEach(t -> targetIds.add(t.page().id()));
        List<Corpus.Document> indexed = new ArrayList<>(targets.stream().map(Target::page).toList());
        corpus.stream().filter(d -> targetIds.contains(d.id()) == false).limit(OTHERS).forEach(indexed::add);

        Fixtures.createPipeline(es, LongDocQaIT.PIPELINE, Fixtures.longDoc("body", null).put("sections", true));
        Fixtures.createQaIndex(es, INDEX, 1);
        JsonRest.Bulk bulk = new JsonRest.Bulk();
        for (Corpus.Document page : indexed) {
            ObjectNode source = JsonRest.object();
            source.put("title", page.title());
            source.put("body", page.text());
            bulk.index(INDEX, page.id(), source);
        }
        long start = System.nanoTime();
        Fixtures.assertBulkIndexedAll(es.bulk("/_bulk?pipeline=" + LongDocQaIT.PIPELINE + "&refresh=true", bulk), indexed.size());
        System.out.printf("QA: ingested %d Python documentation pages in %.1f s%n", indexed.size(), (System.nanoTime() - start) / 1e9);

        int inTop3 = 0;
        int overlapping = 0;
        int knnTop3 = 0;
        List<Long> took10 = new ArrayList<>();
        List<Long> took50 = new ArrayList<>();
        List<Long> tookBm25 = new ArrayList<>();
        for (Target target : targets) {
            String question = target.section().heading();
            JsonRest.Reply reply = es.post("/" + INDEX + "/_search", LongDocQaIT.qa(question, 50)).assertSuccess();
            took50.add(reply.at("/took").asLong());
            JsonNode hit = hitFor(reply, target.page().id());
            String placed = "";
            if (hit != null) {
                inTop3++;
                JsonNode answer = hit.at("/fields/_longdoc_answers/0");
                int answerStart = answer.path("start").asInt();
                boolean overlaps = answerStart < target.section().end() && answer.path("end").asInt() > target.section().start();
                overlapping += overlaps ? 1 : 0;
                // where a missed answer landed, in characters from the section, to tell a near miss from a wrong place
                placed = overlaps ? ", answer in the section" : ", answer " + (answerStart - target.section().start()) + " chars from the section's start";
            }
            System.out.printf("QA: %-60s %s%s%n", question, hit == null ? "not in top 3" : "rank " + rankOf(reply, target.page().id()), placed);
            took10.add(es.post("/" + INDEX + "/_search", LongDocQaIT.qa(question, 10)).assertSuccess().at("/took").asLong());
            ObjectNode bm25 = JsonRest.object();
            bm25.put("size", 3);
            bm25.putObject("_source").put("includes", "nothing");
            bm25.putObject("query").putObject("match").put("body", question);
            tookBm25.add(es.post("/" + INDEX + "/_search", bm25).assertSuccess().at("/took").asLong());
            ObjectNode knn = LongDocQaIT.qa(question, 1);
            ((ObjectNode) knn.at("/query/long_doc_qa")).put("first_stage", "knn");
            knnTop3 += hitFor(es.post("/" + INDEX + "/_search", knn).assertSuccess(), target.page().id()) == null ? 0 : 1;
        }
        System.out.printf("QA: deep sections, %d headings over %d pages: page in top 3 %d/%d, answer inside the section %d/%d; "
            + "kNN on the document embedding alone: top 3 %d/%d%n", targets.size(), indexed.size(), inTop3, targets.size(), overlapping,
            targets.size(), knnTop3, targets.size());
        System.out.printf("QA: latency (took, ms, size 3 with answers) long_doc_qa 10 candidates p50 %d p95 %d; 50 candidates p50 %d p95 %d; "
            + "BM25 match alone p50 %d p95 %d%n", pct(took10, 50), pct(took10, 95), pct(took50, 50), pct(took50, 95), pct(tookBm25, 50), pct(tookBm25, 95));
        assertTrue(inTop3 > targets.size() / 2, "the page is in the top 3 for a majority: " + inTop3 + "/" + targets.size());
        // a random section of a page of 60–230 sections would be the heading's a few times in 100. Half, not a majority:
        // with sections cut at the pages' own headings and paragraphs (the default since 2026-12-02) these 20 place 10
        // (13 pages first), with the sentence cut 12 (11 first); the two answers lost are a different choice, not a
        // boundary (Preinitialize Python with PyPreConfig: a function reference before it; Implementing functions and
        // methods: page out of the top 3), while over the 172 dev headings of the harness the heading cut places 7
        // more (BENCHMARKS.md), which is the measure; this is the guard against a placement that stops working
        assertTrue(overlapping >= targets.size() / 2, "the answer lies in the heading's section for at least half: " + overlapping + "/" + targets.size());
    }

    /** The deep-section task's selection (EVAL.md), the first {@value #TARGETS} pages that have a qualifying heading. */
    private static List<Target> targets(List<Corpus.Document> corpus) throws Exception {
        Map<String, Corpus.Document> byId = new HashMap<>();
        corpus.forEach(d -> byId.put(d.id(), d));
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.bgeTokenizer())) {
            List<Target> targets = new ArrayList<>();
            for (DeepSectionTask.Query query : DeepSectionTask.select(corpus, tokenizer::tokenize, TARGETS, 1)) {
                Corpus.Document page = byId.get(query.documentId());
                targets.add(new Target(page, new Corpus.Heading(query.heading(), 0, query.start(), query.end())));
            }
            if (targets.size() < TARGETS) {
                throw new IllegalStateException("the corpus has only " + targets.size() + " pages with a deep, unique heading");
            }
            return targets;
        }
    }

    private static JsonNode hitFor(JsonRest.Reply reply, String id) {
        for (JsonNode hit : reply.at("/hits/hits")) {
            if (id.equals(hit.path("_id").asText())) {
                return hit;
            }
        }
        return null;
    }

    private static int rankOf(JsonRest.Reply reply, String id) {
        int rank = 1;
        for (JsonNode hit : reply.at("/hits/hits")) {
            if (id.equals(hit.path("_id").asText())) {
                return rank;
            }
            rank++;
        }
        return -1;
    }

    private static long pct(List<Long> values, int percentile) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }
}
