package io.longdoc.search.reader;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuestionTermsTests {

    @Test
    void questionWordsAndPossessivesGoAndNamesStay() {
        assertEquals(Set.of("jasper", "pass", "kei"), QuestionTerms.of("What is Jasper's pass key?"));
    }

    @Test
    void inflectionsMeetTheirStem() {
        Set<String> heading = QuestionTerms.of("Formatting the subprocess outputs");
        Set<String> body = QuestionTerms.of("It formats the output of subprocesses.");
        assertTrue(body.containsAll(heading), heading + " should all be in " + body);
    }

    @Test
    void emptyAndPunctuationOnlyTextsHaveNoTerms() {
        assertTrue(QuestionTerms.of("").isEmpty());
        assertTrue(QuestionTerms.of("?! -- ...").isEmpty());
    }
}
