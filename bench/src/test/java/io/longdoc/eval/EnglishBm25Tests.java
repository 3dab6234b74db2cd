package io.longdoc.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnglishBm25Tests {

    @Test
    void analysesAsTheEnglishAnalyzerDoes() throws Exception {
        try (EnglishBm25 bm25 = new EnglishBm25(List.of(new EvalSet.Doc("a", "x")))) {
            // possessive dropped, lower-cased, stop words gone, Porter stems
            assertEquals(Set.of("queen", "run", "hors"), bm25.terms("The Queen's running of the horses"));
        }
    }

    @Test
    void findsDocumentsThroughStemsThatTheStandardAnalyzerWouldMiss() throws Exception {
        List<EvalSet.Doc> docs = List.of(
            new EvalSet.Doc("stems", "She connected the cables and ran the connections twice."),
            new EvalSet.Doc("other", "An unrelated page about gardens and flowers in spring."),
            new EvalSet.Doc("stop", "the of and a to in is it"));
        try (EnglishBm25 bm25 = new EnglishBm25(docs)) {
            assertEquals(List.of("stems"), bm25.search("connecting connection", 10));
            assertEquals(List.of(), bm25.search("the and of", 10), "stop words match nothing");
        }
    }

    /**
     * The score against BM25 computed by hand: idf = ln(1 + (N - n + 0.5) / (n + 0.5)), tf part = f / (f + k1 (1 - b
     * + b dl / avgdl)), k1 = 1.2, b = 0.75. Document lengths are small, where Lucene stores them exactly.
     */
    @Test
    void scoresAsTheBm25Formula() throws Exception {
        List<EvalSet.Doc> docs = List.of(
            new EvalSet.Doc("one", "apple banana cherry"),              // 3 terms, apple once
            new EvalSet.Doc("two", "apple apple date elder fig grape"), // 6 terms, apple twice
            new EvalSet.Doc("three", "kiwi lemon mango nectarine"));    // 4 terms, no apple
        try (EnglishBm25 bm25 = new EnglishBm25(docs)) {
            double avgdl = (3 + 6 + 4) / 3.0;
            double idf = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
            assertEquals(idf * tf(1, 3, avgdl), bm25.score("apple", "one"), 1e-5);
            assertEquals(idf * tf(2, 6, avgdl), bm25.score("apple", "two"), 1e-5);
            assertTrue(Double.isNaN(bm25.score("apple", "three")));
        }
    }

    private static double tf(double f, double dl, double avgdl) {
        return f / (f + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl));
    }
}
