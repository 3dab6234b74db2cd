package io.longdoc.corpus;

import io.longdoc.TestModels;
import io.longdoc.text.Tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which headings become deep-section questions, on a small corpus written here (not a dev file). */
class DeepSectionTaskTests {

    /** {@code words} plain words, one token each in the model's tokenizer. */
    private static String words(int count) {
        return "tide ".repeat(count).strip();
    }

    @Test
    void headingsOfThreeWordsOrMoreUsedOnceWhoseSectionStartsPastToken512() throws Exception {
        String opening = words(600);
        String body = opening + " Gauges and valves. More about valves.";
        int deep = opening.length() + 1;
        List<Corpus.Document> corpus = List.of(
            new Corpus.Document("a", "A", "s", body, List.of(
                new Corpus.Heading("Starting the pump station", 2, 0, 40),           // before token 512
                new Corpus.Heading("Valves", 2, deep, deep + 18),                     // fewer than 3 words
                new Corpus.Heading("Shared heading in both", 2, deep, deep + 18),     // used twice in the corpus
                new Corpus.Heading("Reading the pressure gauges", 2, deep, deep + 18), // the one
                new Corpus.Heading("Closing the last valve", 2, deep + 19, body.length()))), // second qualifying: not taken
            new Corpus.Document("b", "B", "s", body, List.of(
                new Corpus.Heading("Shared heading in both", 2, deep, deep + 18),
                new Corpus.Heading("A section past the text", 2, deep, body.length() + 5))), // out of the text
            new Corpus.Document("c", "C", "s", body, List.of(
                new Corpus.Heading("Draining the lower basin", 2, deep, body.length()))));
        try (Tokenizer tokenizer = Tokenizer.load(TestModels.bgeTokenizer())) {
            List<DeepSectionTask.Query> all = DeepSectionTask.select(corpus, tokenizer::tokenize, 0, 1);
            assertEquals(List.of(new DeepSectionTask.Query("a", "Reading the pressure gauges", deep, deep + 18),
                new DeepSectionTask.Query("c", "Draining the lower basin", deep, body.length())), all);
            assertEquals(all.subList(0, 1), DeepSectionTask.select(corpus, tokenizer::tokenize, 1, 1), "a limit keeps corpus order");
            assertEquals(List.of(all.get(0), new DeepSectionTask.Query("a", "Closing the last valve", deep + 19, body.length()), all.get(1)),
                DeepSectionTask.select(corpus, tokenizer::tokenize, 0, 0), "every qualifying heading");
            assertEquals(List.of(), DeepSectionTask.select(List.of(new Corpus.Document("d", "D", "s", body, null)), tokenizer::tokenize, 0, 1),
                "a corpus without sections has no questions");
        }
    }
}
