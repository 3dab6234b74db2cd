package io.longdoc.search.reader;

import io.longdoc.document.StoredSection;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader's section match: cosine plus IDF-weighted word share, IDF over the compared candidates' sections. */
class SectionMatcherTests {

    private static final float[] X = { 1, 0 };
    private static final float[] Y = { 0, 1 };

    private static QuestionVectors question(float[] mean) {
        return new QuestionVectors(mean, mean, new float[][] { mean });
    }

    @Test
    void aSectionPastTheTextsEndIsLeftOutNotFatal() {
        String text = "Alpha beta. Gamma delta.";
        List<StoredSection> stored = List.of(new StoredSection(0, 11, X), new StoredSection(12, 24, Y), new StoredSection(20, 40, X));
        SectionMatcher.Candidate candidate = SectionMatcher.Candidate.of(text, stored);
        assertEquals(List.of("Alpha beta.", "Gamma delta."), candidate.texts());
        assertEquals(2, candidate.sections().size());
        assertTrue(SectionMatcher.Candidate.of(null, stored).sections().isEmpty(), "no text, no sections");
    }

    @Test
    void theBestSectionAddsCosineAndTheShareOfTheQuestionsWords() {
        String text = "The kestrel hovers over fields. Rivers flow to the sea.";
        SectionMatcher.Candidate candidate = SectionMatcher.Candidate.of(text,
            List.of(new StoredSection(0, 31, Y), new StoredSection(32, 55, X)));
        Set<String> terms = QuestionTerms.of("Where does the kestrel hover?");
        // the question's vector points at section 1, its words are all in section 0
        SectionMatcher.Match match = SectionMatcher.rank(question(X), terms, List.of(candidate)).get(0);
        assertEquals(1.0, match.cosines()[1], 1e-9);
        assertEquals(0.0, match.cosines()[0], 1e-9);
        assertEquals(1.0, match.lexicalShares()[0], 1e-9, "every content word of the question is in section 0");
        assertEquals(0.0, match.lexicalShares()[1], 1e-9);
        assertEquals(match.cosines()[0] + SectionMatcher.LEXICAL_WEIGHT * match.lexicalShares()[0], match.sectionScores()[0], 1e-9);
        assertEquals(match.sectionScores()[match.best()], match.score(), 1e-9);
        assertEquals(2, match.sectionsBestFirst().length);
    }

    @Test
    void aWordEveryCandidateHasCountsLessThanAWordOnlyOneHas() {
        Set<String> terms = QuestionTerms.of("kestrel migration");
        List<SectionMatcher.Candidate> candidates = List.of(
            SectionMatcher.Candidate.of("kestrel migration", List.of(new StoredSection(0, 17, Y))),
            SectionMatcher.Candidate.of("kestrel nests", List.of(new StoredSection(0, 13, Y))),
            SectionMatcher.Candidate.of("kestrel wings", List.of(new StoredSection(0, 13, Y))),
            SectionMatcher.Candidate.of("migration routes", List.of(new StoredSection(0, 16, Y))));
        List<SectionMatcher.Match> matches = SectionMatcher.rank(question(X), terms, candidates);
        double kestrelOnly = matches.get(1).lexicalShares()[0];
        double migrationOnly = matches.get(3).lexicalShares()[0];
        assertTrue(migrationOnly > kestrelOnly, "the rarer word weighs more: " + migrationOnly + " vs " + kestrelOnly);
        assertEquals(1.0, matches.get(0).lexicalShares()[0], 1e-9);
        assertEquals(1.0, kestrelOnly + migrationOnly, 1e-9, "the shares of the two words make the whole");
    }

    @Test
    void aCandidateWithoutSectionsScoresNothingAndOtherWidthsAreRefused() {
        SectionMatcher.Candidate empty = SectionMatcher.Candidate.of("text", List.of());
        assertEquals(SectionMatcher.Match.NONE, SectionMatcher.rank(question(X), Set.of(), List.of(empty)).get(0));
        assertEquals(-1, SectionMatcher.Match.NONE.best());
        SectionMatcher.Candidate wide = SectionMatcher.Candidate.of("text", List.of(new StoredSection(0, 4, new float[] { 1, 0, 0 })));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SectionMatcher.rank(question(X), Set.of(), List.of(wide)));
        assertTrue(e.getMessage().contains("another model"), e.getMessage());
        assertArrayEquals(new int[0], SectionMatcher.Match.NONE.sectionsBestFirst());
    }
}
