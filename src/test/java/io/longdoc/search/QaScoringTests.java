package io.longdoc.search;

import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The final score's formula, its default (chosen on the dev pages) and the options it refuses. */
class QaScoringTests {

    @Test
    void theDefaultMixesAQuarterOfTheRankScoreIntoTheReaders() {
        assertEquals(QaScoreMode.COMBINED, QaScoring.DEFAULT.mode());
        assertEquals(0.25f, QaScoring.DEFAULT.rankWeight());
        assertEquals(QaScoring.DEFAULT, QaScoring.parse(null, null));
        // rank 0: rank score 1; rank 60: 0.5
        assertEquals(1 + 0.75 * 0.4 + 0.25 * 1.0, QaScoring.DEFAULT.score(0, 0.4), 1e-6);
        assertEquals(1 + 0.75 * 0.4 + 0.25 * 0.5, QaScoring.DEFAULT.score(60, 0.4), 1e-6);
    }

    @Test
    void aBetterReaderScoreOvertakesAFewRanksButNotMany() {
        QaScoring scoring = QaScoring.DEFAULT;
        // rank 10's reader score 0.1 above rank 0's wins ...
        assertTrue(scoring.score(10, 0.6) > scoring.score(0, 0.5));
        // ... but the same lead does not lift rank 90 over rank 0
        assertTrue(scoring.score(90, 0.55) < scoring.score(0, 0.5));
        // reader alone: the reader's order, whatever the rank
        QaScoring reader = QaScoring.parse("reader", null);
        assertTrue(reader.score(90, 0.55) > reader.score(0, 0.5));
    }

    @Test
    void aQuestionWhoseWordsSingleOutOneCandidateGivesTheRankLessShare() {
        QaScoring scoring = QaScoring.DEFAULT;
        assertEquals(0.25, scoring.rankShare(0), 1e-9);
        assertEquals(0.125, scoring.rankShare(0.5), 1e-9);
        assertEquals(0, scoring.rankShare(1), 1e-9);
        assertEquals(0.25, scoring.rankShare(Double.NaN), 1e-9); // no margin known: the plain share
        assertEquals(0.25, scoring.rankShare(-0.2), 1e-9); // out of range: clamped
        assertEquals(1 + 0.875 * 0.4 + 0.125 * 0.5, scoring.score(60, 0.4, 0.5), 1e-6);
        // the planted fact: rank 80 with the clear reader lead loses under the plain share, wins with a margin of 0.5
        assertTrue(scoring.score(80, 0.60, 0) < scoring.score(0, 0.50, 0));
        assertTrue(scoring.score(80, 0.60, 0.5) > scoring.score(0, 0.50, 0.5));
        // reader mode has no rank share to shrink
        assertEquals(0, QaScoring.parse("reader", null).rankShare(0.3), 1e-9);
        assertTrue(scoring.describe(0.5).contains("rank share = rank_weight 0.25 × (1 − lexical margin 0.5)"), scoring.describe(0.5));
    }

    @Test
    void readHitsStayInOneToTwoAndUnreadOnesBelowHalf() {
        for (QaScoring scoring : new QaScoring[] { QaScoring.DEFAULT, QaScoring.parse("reader", null), QaScoring.parse("combined", 1) }) {
            for (int rank : new int[] { 0, 5, 99, 9_999 }) {
                for (double reader : new double[] { 0, 0.3, 1 }) {
                    double score = scoring.score(rank, reader);
                    assertTrue(score >= 1 && score <= 2, scoring + " rank " + rank + " reader " + reader + ": " + score);
                }
                double unread = scoring.score(rank, Double.NaN);
                assertTrue(unread > 0 && unread <= 0.5, scoring + ": " + unread);
            }
        }
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QaScoring.parse("combined", 1.5f));
        assertTrue(e.getMessage().contains("[rank_weight] must be between 0 and 1, got [1.5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QaScoring.parse("reader", 0.3f));
        assertTrue(e.getMessage().contains("[rank_weight] applies only with [score_mode] combined"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QaScoring.parse("rrf", null));
        assertTrue(e.getMessage().contains("[score_mode] must be one of [reader, combined], got [rrf]"), e.getMessage());
    }

    @Test
    void survivesTheWire() throws IOException {
        QaScoring scoring = QaScoring.parse("combined", 0.4f);
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            scoring.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                assertEquals(scoring, QaScoring.readFrom(in));
            }
        }
    }
}
