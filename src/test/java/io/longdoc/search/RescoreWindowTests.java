package io.longdoc.search;

import org.apache.lucene.search.ScoreDoc;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rescorer's window semantics: the window reorders by reader score and stays above everything past it. */
class RescoreWindowTests {

    private static ScoreDoc[] hits(int n) {
        ScoreDoc[] hits = new ScoreDoc[n];
        for (int i = 0; i < n; i++) {
            hits[i] = new ScoreDoc(100 + i, 50f - i, 0); // first-stage scores far above the reader's range
        }
        return hits;
    }

    @Test
    void windowSortsByReaderAndTheRestKeepsItsOrderBelowEvenWhenTheReaderTanksTheWindow() {
        ScoreDoc[] hits = hits(10);
        double[] reader = { 0.0, 0.0, 0.9, 0.1 }; // the reader dislikes the window's first two
        for (QaScoring mode : new QaScoring[] { QaScoring.parse("reader", null), QaScoring.DEFAULT, QaScoring.parse("combined", 0.5f) }) {
            ScoreDoc[] out = LongDocQaRescorer.rerankWindow(hits, 4, reader, mode, 0);
            assertEquals(10, out.length);
            assertEquals(102, out[0].doc, mode + ": the reader's favourite leads");
            float lowestInWindow = Float.MAX_VALUE;
            for (int i = 0; i < 4; i++) {
                lowestInWindow = Math.min(lowestInWindow, out[i].score);
                assertTrue(out[i].score >= 1 && out[i].score <= 2, mode + ": window scores in [1, 2]: " + out[i].score);
                if (i > 0) {
                    assertTrue(out[i - 1].score >= out[i].score, mode + ": window sorted");
                }
            }
            int[] tail = new int[6];
            for (int i = 4; i < 10; i++) {
                tail[i - 4] = out[i].doc;
                assertTrue(out[i].score < lowestInWindow && out[i].score > 0 && out[i].score <= 0.5, mode + ": below the window: " + out[i].score);
                if (i > 4) {
                    assertTrue(out[i - 1].score > out[i].score, mode + ": the tail's scores fall with its rank");
                }
            }
            assertArrayEquals(new int[] { 104, 105, 106, 107, 108, 109 }, tail, mode + ": the tail keeps its order");
        }
    }

    @Test
    void combinedModeBreaksReaderTiesByFirstStageRank() {
        ScoreDoc[] out = LongDocQaRescorer.rerankWindow(hits(3), 3, new double[] { 0.5, 0.5, 0.5 }, QaScoring.DEFAULT, 0);
        assertArrayEquals(new int[] { 100, 101, 102 }, new int[] { out[0].doc, out[1].doc, out[2].doc });
        assertTrue(out[0].score > out[1].score && out[1].score > out[2].score);
    }
}
