package io.longdoc.search.reader;

import io.longdoc.text.TokenizedText;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Where the answer goes among the read sections: sentences compete by MaxSim across sections, not sections first. */
class AnswerLocatorTests {

    private static final float[] X = { 1, 0, 0 };
    private static final float[] Y = { 0, 1, 0 };
    private static final float[] Z = { 0, 0, 1 };

    /**
     * A section read as if encoded: one token per word (split on spaces, a final full stop part of its word), a [CLS]
     * first; a word's vector is its entry in {@code vectors} (without the full stop), else Y.
     */
    private static AnswerLocator.ReadSection section(int from, String text, Map<String, float[]> vectors) {
        String[] words = text.split(" ");
        int n = words.length + 1;
        int[] starts = new int[n];
        int[] ends = new int[n];
        boolean[] special = new boolean[n];
        float[][] tokenVectors = new float[n][];
        special[0] = true;
        int offset = 0;
        for (int w = 0; w < words.length; w++) {
            starts[w + 1] = offset;
            ends[w + 1] = offset + words[w].length();
            tokenVectors[w + 1] = vectors.getOrDefault(words[w].replace(".", ""), Y);
            offset += words[w].length() + 1;
        }
        return new AnswerLocator.ReadSection(from, text, new TokenizedText(new long[n], starts, ends, special), tokenVectors);
    }

    @Test
    void theSentenceThatMatchesTheQuestionWinsWhateverSectionItIsIn() {
        // the best stored section (read first) has nothing of the question; the second holds the matching sentence:
        // a rule that picks the section first and then its sentence answers in the wrong one
        QuestionVectors question = new QuestionVectors(X, X, new float[][] { X });
        String second = "Clouds drift by. Kestrels hover here.";
        Answer answer = AnswerLocator.bestSentence(question, List.of(
            section(0, "Rivers flow west. Lakes are still.", Map.of()),
            section(100, second, Map.of("Kestrels", X))));
        assertEquals("Kestrels hover here.", answer.text());
        assertEquals(100 + second.indexOf("Kestrels"), answer.start());
        assertEquals(100 + second.length(), answer.end());
    }

    @Test
    void maxSimAveragesEachQuestionTokensBestMatch() {
        // question tokens X and Z: the first sentence matches X only (MaxSim (1 + 0) / 2), the second both ((1 + 1) / 2)
        QuestionVectors question = new QuestionVectors(X, X, new float[][] { X, Z });
        Map<String, float[]> vectors = Map.of("kestrel", X, "hovers", Z);
        Answer answer = AnswerLocator.bestSentence(question, List.of(section(0, "A kestrel sits. The kestrel hovers.", vectors)));
        assertEquals("The kestrel hovers.", answer.text());
        assertEquals(1.0, answer.score(), 1e-9);
        AnswerLocator.ReadSection first = section(0, "A kestrel sits.", vectors);
        assertEquals(0.5, AnswerLocator.maxSim(question, first.tokens(), first.tokenVectors(), 0, first.text().length()), 1e-9);
    }

    @Test
    void sectionsWithoutTextTokensPlaceNothing() {
        QuestionVectors question = new QuestionVectors(X, X, new float[][] { X });
        assertNull(AnswerLocator.bestSentence(question, List.of()));
        TokenizedText onlySpecial = new TokenizedText(new long[1], new int[1], new int[1], new boolean[] { true });
        assertNull(AnswerLocator.bestSentence(question, List.of(new AnswerLocator.ReadSection(0, "Nothing here.", onlySpecial, new float[1][]))));
    }
}
