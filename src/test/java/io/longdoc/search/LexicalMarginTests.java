package io.longdoc.search;

import io.longdoc.search.reader.SectionMatcher;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The question's lexical margin over the candidates read with it, which shrinks the first stage's rank share. */
class LexicalMarginTests {

    @Test
    void isTheBestCandidatesShareAboveTheRunnerUpsEachAtItsBestSection() {
        // candidate 0's best share is in its second section (0.9); the runner-up's is 0.3
        List<CandidateReader.Read> reads = List.of(read(0.1, 0.9), read(0.3, 0.2), read(0.0));
        assertEquals(0.6, CandidateReader.lexicalMargin(reads), 1e-9);
    }

    @Test
    void isZeroWhereSeveralCandidatesHoldTheWordsAlike() {
        assertEquals(0, CandidateReader.lexicalMargin(List.of(read(0.7), read(0.4, 0.7), read(0.1))), 1e-9);
    }

    @Test
    void isZeroWithoutTwoLateInteractionReads() {
        assertEquals(0, CandidateReader.lexicalMargin(List.of()), 1e-9);
        assertEquals(0, CandidateReader.lexicalMargin(List.of(read(0.8))), 1e-9);
        // the span reader has no lexical shares: its reads do not count
        CandidateReader.Read span = new CandidateReader.Read(new CandidateLoader.Loaded("text", List.of()), 0.5, null);
        assertEquals(0, CandidateReader.lexicalMargin(List.of(read(0.8), span)), 1e-9);
    }

    private static CandidateReader.Read read(double... shares) {
        int[] order = new int[shares.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[] cosines = new double[shares.length];
        SectionMatcher.Match match = new SectionMatcher.Match(0, order, shares.clone(), cosines, shares);
        return new CandidateReader.Read(new CandidateLoader.Loaded("text", List.of()), 0.5, match);
    }
}
